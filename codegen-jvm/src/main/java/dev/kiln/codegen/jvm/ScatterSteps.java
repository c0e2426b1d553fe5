package dev.kiln.codegen.jvm;

import dev.kiln.codegen.jvm.kernels.IndexKernels;
import dev.kiln.codegen.jvm.kernels.ScatterNorms;
import dev.kiln.codegen.jvm.library.LibraryCall;
import dev.kiln.codegen.jvm.library.LibraryCalls;
import dev.kiln.ir.Constant;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Var;
import dev.kiln.ir.buffers.BufferPlan;
import dev.kiln.ir.buffers.CompiledPlan;
import dev.kiln.ir.buffers.Placement;
import dev.kiln.ir.fusion.FusedKernel;
import dev.kiln.ir.fusion.FusionPlan;
import dev.kiln.ir.fusion.KernelKind;
import dev.kiln.ir.kernel.BufferRef;
import dev.kiln.ir.kernel.Kernel;
import dev.kiln.ir.kernel.KernelProgram;
import dev.kiln.ir.kernel.LibraryKernel;
import dev.kiln.ir.kernel.LoopKernel;
import dev.kiln.ir.prim.BroadcastInDim;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.ReduceSum;
import dev.kiln.ir.prim.ScatterAdd;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * The JVM backend's own schedule for scatter_add into a broadcast scalar (the gradient of an
 * embedding lookup scatters into zeros), replacing kernels of the shared plan by steps:
 *
 * <ul>
 *   <li>The broadcast kernel, when the scatter is its only reader, is dropped and the scatter
 *       fills its output with the scalar itself ({@link IndexKernels.Plan#scalarOperand()}): one
 *       pass over the output instead of two.
 *   <li>A scatter into zeros whose only reader is {@code reduce_sum(S * S)} over all but its
 *       batch axes (DP-SGD's per-example norm of an embedding gradient, see the IR pass
 *       {@code ScatterClipping}) is not built at all: {@link ScatterNorms} computes the norms from
 *       the indices and updates at the scatter's place, into the first elements of the scatter's
 *       own (otherwise unused) buffer, and the reduction becomes a copy of them into its output.
 *       Updates that are a broadcast scalar (the ones whose scatter counts tokens) are read as that
 *       scalar, and their broadcast kernel dropped, when the scatter is its only reader.
 *       The result buffer is used because it is live exactly from the scatter to the reduction,
 *       whatever the buffer plan put in between.
 * </ul>
 *
 * Only scalars that are graph inputs or constants are read in place of a broadcast (those live
 * for the whole run); the zeros of the norms must be a constant, broadcast or not. Kernels not
 * named here run as planned.
 */
final class ScatterSteps {
    private static final Step SKIP = null;

    /** Kernel index to its replacement step ({@code null}: no step). */
    private final Map<Integer, Step> replaced = new HashMap<>();

    private ScatterSteps() {
    }

    /** The replacements for {@code plan}; {@code epilogues} makes the step of a library kernel's epilogue. */
    static ScatterSteps of(CompiledPlan plan, Function<LoopKernel, LoopStep> epilogues) {
        ScatterSteps s = new ScatterSteps();
        List<Kernel> kernels = plan.program().kernels();
        for (int i = 0; i < kernels.size(); i++) {
            if (kernels.get(i) instanceof LibraryKernel lib && lib.equation().primitive() instanceof ScatterAdd) {
                s.plan(plan, i, lib, epilogues);
            }
        }
        return s;
    }

    /** Whether kernel {@code k} of the program is replaced (then {@link #step} is its step, or null for none). */
    boolean replaces(int k) {
        return replaced.containsKey(k);
    }

    Step step(int k) {
        return replaced.get(k);
    }

    private void plan(CompiledPlan plan, int at, LibraryKernel lib, Function<LoopKernel, LoopStep> epilogues) {
        FusionPlan fusion = plan.fusion();
        Equation scatter = lib.equation();
        Var operand = (Var) scatter.input(0);
        int fill = fillKernel(fusion, operand);
        if (replaced.containsKey(fill)) {
            return;
        }
        Var scalar = fill < 0 ? null : (Var) fusion.kernels().get(fill).equations().getFirst().input(0);
        boolean operandOnlyHere = onlyReader(fusion, operand, at);
        int norms = lib.epilogue() == null && ScatterNorms.fits(indexPlan(scatter)) ? normKernel(fusion, scatter, at) : -1;
        if (norms >= 0 && isZero(fusion.graph(), scalar != null ? scalar : operand)) {
            if (fill >= 0 && operandOnlyHere) {
                replaced.put(fill, SKIP);
            }
            Var updates = (Var) scatter.input(2);
            int updFill = fillKernel(fusion, updates);
            BufferRef one = updFill < 0 || replaced.containsKey(updFill) || !onlyReader(fusion, updates, at) ? null
                    : lasting(plan.program().buffer((Var) fusion.kernels().get(updFill).equations().getFirst().input(0)));
            if (one != null) {
                replaced.put(updFill, SKIP);
            }
            replaced.put(at, normStep(plan, lib, one));
            replaced.put(norms, copyStep(plan, fusion.kernels().get(norms), lib.result()));
            return;
        }
        BufferRef scalarBuffer = scalar == null ? null : lasting(plan.program().buffer(scalar));
        if (operandOnlyHere && scalarBuffer != null) {
            LoopStep epilogue = lib.epilogue() == null ? null : epilogues.apply(lib.epilogue());
            replaced.put(fill, SKIP);
            replaced.put(at, filledScatterStep(plan, lib, scalarBuffer, epilogue));
        }
    }

    /** The kernel that is just {@code operand = broadcast_in_dim(scalar)} of a one-element value, or -1. */
    private static int fillKernel(FusionPlan fusion, Var operand) {
        FusedKernel k = fusion.writerOf(operand);
        if (k == null || k.kind() != KernelKind.LOOP || k.equations().size() != 1 || !k.outputs().equals(List.of(operand))) {
            return -1;
        }
        Equation b = k.equations().getFirst();
        boolean scalar = b.primitive() instanceof BroadcastInDim && b.out() == operand && b.input(0) instanceof Var v
                && v.type().numel() == 1;
        return scalar ? k.index() : -1;
    }

    /** The reduction kernel {@code reduce_sum(S * S)} over every non-batch axis of the scatter's result S, its only reader; or -1. */
    private static int normKernel(FusionPlan fusion, Equation scatter, int at) {
        Var s = scatter.out();
        if (!s.dtype().isFloating()) {
            return -1;
        }
        int reader = soleReader(fusion, s, at);
        if (reader < 0) {
            return -1;
        }
        FusedKernel k = fusion.kernels().get(reader);
        if (k.kind() != KernelKind.REDUCTION || k.equations().size() != 2 || k.outputs().size() != 1) {
            return -1;
        }
        Equation sq = k.equations().get(0), sum = k.equations().get(1);
        int nb = ((ScatterAdd) scatter.primitive()).batchDims();
        boolean squares = sq.primitive() instanceof Binary m && m.op() == BinaryOp.MUL && sq.input(0) == s && sq.input(1) == s;
        boolean overRows = sum.primitive() instanceof ReduceSum r && sum.input(0) == sq.out()
                && r.axes().equals(Ints.of(IntStream.range(nb, s.type().rank()).toArray()))
                && k.outputs().getFirst() == sum.out();
        return squares && overRows ? reader : -1;
    }

    /** The one kernel other than {@code writer} that reads {@code v}, when {@code v} is no graph output; else -1. */
    private static int soleReader(FusionPlan fusion, Var v, int writer) {
        if (fusion.graph().outputs().contains(v)) {
            return -1;
        }
        int found = -1;
        for (FusedKernel k : fusion.kernels()) {
            if (k.index() != writer && k.inputs().contains(v)) {
                if (found >= 0) {
                    return -1;
                }
                found = k.index();
            }
        }
        return found;
    }

    private static boolean onlyReader(FusionPlan fusion, Var v, int reader) {
        if (fusion.graph().outputs().contains(v)) {
            return false;
        }
        return fusion.kernels().stream().noneMatch(k -> k.index() != reader && k.inputs().contains(v));
    }

    private static IndexKernels.Plan indexPlan(Equation scatter) {
        return IndexKernels.prepareScatterAdd((ScatterAdd) scatter.primitive(), scatter.input(0).type(),
                scatter.input(1).type(), scatter.input(2).type());
    }

    /** {@code b} if it lives for the whole run (a graph input or constant), else null. */
    private static BufferRef lasting(BufferRef b) {
        return b != null && (b.kind() == BufferRef.Kind.INPUT || b.kind() == BufferRef.Kind.CONSTANT) ? b : null;
    }

    /** Whether {@code v} is a graph constant of zeros. */
    private static boolean isZero(Graph g, Var v) {
        for (Constant c : g.constants()) {
            if (c.var() == v) {
                for (int i = 0; i < c.value().size(); i++) {
                    if (c.value().getDouble(i) != 0) {
                        return false;
                    }
                }
                return true;
            }
        }
        return false;
    }

    private static Placement[] placements(BufferPlan buffers, BufferRef... refs) {
        Placement[] p = new Placement[refs.length];
        for (int i = 0; i < refs.length; i++) {
            p[i] = buffers.placement(refs[i]);
        }
        return p;
    }

    private static Step filledScatterStep(CompiledPlan plan, LibraryKernel lib, BufferRef scalar, LoopStep epilogue) {
        List<BufferRef> ops = lib.operands();
        LibraryCall call = LibraryCalls.scatterAddFromScalar(lib.equation());
        return new LibraryStep(lib.name(), call, placements(plan.buffers(), scalar, ops.get(1), ops.get(2), lib.result()),
                epilogue);
    }

    /** The norms step; {@code scalarUpdates}, if not null, holds the one value every update equals. */
    private static Step normStep(CompiledPlan plan, LibraryKernel lib, BufferRef scalarUpdates) {
        List<BufferRef> ops = lib.operands();
        LibraryCall call = LibraryCalls.scatterNorms(lib.equation(), scalarUpdates != null);
        BufferRef updates = scalarUpdates != null ? scalarUpdates : ops.get(2);
        return new LibraryStep(lib.name(), call, placements(plan.buffers(), ops.get(1), updates, lib.result()), null);
    }

    /** Copies the norms the scatter's step left at the start of its result buffer into the reduction's output. */
    private static Step copyStep(CompiledPlan plan, FusedKernel reduction, BufferRef norms) {
        Var out = reduction.outputs().getFirst();
        int n = out.type().numel();
        LibraryCall copy = (a, o, s) -> System.arraycopy(a[0], o[0], a[1], o[1], n);
        return new LibraryStep(reduction.name(), copy, placements(plan.buffers(), norms, plan.program().buffer(out)), null);
    }
}
