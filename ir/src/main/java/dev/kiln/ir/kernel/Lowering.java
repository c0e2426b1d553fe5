package dev.kiln.ir.kernel;

import dev.kiln.ir.Constant;
import dev.kiln.ir.Graph;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.fusion.FusedKernel;
import dev.kiln.ir.fusion.FusionPlan;
import dev.kiln.ir.fusion.KernelKind;
import dev.kiln.ir.text.VarNames;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lowers a fusion plan to a {@link KernelProgram}: a buffer for every value in memory, and for
 * each fused kernel its loop nest in kernel IR (collapsed where the indices allow), a library
 * call with its epilogue, or an alias.
 */
public final class Lowering {
    private final FusionPlan plan;
    private final VarNames names;
    private final List<BufferRef> buffers = new ArrayList<>();
    private final Map<Var, BufferRef> bufferOf = new IdentityHashMap<>();
    /** Kernels already lowered, by structure; null to lower every kernel afresh. */
    private final KernelTemplates templates;

    private Lowering(FusionPlan plan, boolean share) {
        this.plan = plan;
        this.names = VarNames.of(plan.graph());
        this.templates = share ? new KernelTemplates() : null;
    }

    public static KernelProgram lower(FusionPlan plan) {
        return lower(plan, true);
    }

    /**
     * {@code plan} lowered; with {@code share}, a kernel structurally equal to one lowered before
     * (see {@link KernelTemplates}) is that one with its buffers renamed, else each is lowered afresh.
     */
    public static KernelProgram lower(FusionPlan plan, boolean share) {
        return new Lowering(plan, share).run();
    }

    private KernelProgram run() {
        Graph g = plan.graph();
        List<BufferRef> inputs = new ArrayList<>();
        for (Var v : g.inputs()) {
            inputs.add(bufferFor(v, BufferRef.Kind.INPUT));
        }
        List<BufferRef> constants = new ArrayList<>();
        for (Constant c : g.constants()) {
            constants.add(bufferFor(c.var(), BufferRef.Kind.CONSTANT));
        }
        for (FusedKernel k : plan.kernels()) {
            for (Var v : k.outputs()) {
                bufferFor(v, BufferRef.Kind.VALUE);
            }
        }
        List<Kernel> kernels = new ArrayList<>();
        for (FusedKernel k : plan.kernels()) {
            kernels.add(lower(k));
        }
        return new KernelProgram(plan, kernels, buffers, bufferOf, inputs, constants, g.outputs(),
                templates == null ? Map.of() : templates.renamedFrom());
    }

    private BufferRef bufferFor(Var v, BufferRef.Kind kind) {
        BufferRef b = bufferOf.get(v);
        if (b == null) {
            b = new BufferRef(buffers.size(), names.name(v), v.type(), kind);
            buffers.add(b);
            bufferOf.put(v, b);
        }
        return b;
    }

    private BufferRef buffer(Var v) {
        BufferRef b = bufferOf.get(v);
        if (b == null) {
            throw new IllegalStateException("value " + names.name(v) + ":" + v.type() + " is read from memory but no kernel writes it");
        }
        return b;
    }

    private Kernel lower(FusedKernel k) {
        if (templates == null || k.kind() == KernelKind.ALIAS) {
            return lowerAfresh(k);
        }
        KernelTemplates.Key key = KernelTemplates.key(k, bufferOf::get);
        List<BufferRef> slots = KernelTemplates.slots(k, bufferOf::get);
        Kernel shared = templates.lookup(key, slots, k.name(), k.root(), t -> scratch(k.name() + "_result", t));
        if (shared != null) {
            return shared;
        }
        Kernel fresh = lowerAfresh(k);
        templates.remember(key, fresh, slots);
        return fresh;
    }

    private Kernel lowerAfresh(FusedKernel k) {
        return switch (k.kind()) {
            case ALIAS -> new AliasKernel(k.name(), buffer((Var) k.equations().getFirst().input(0)), buffer(k.outputs().getFirst()));
            case LOOP -> loopKernel(k.name(), KernelBuilder.loop(k, this::buffer), List.of());
            case REDUCTION -> loopKernel(k.name(), KernelBuilder.reduction(k, this::buffer), List.of());
            case LIBRARY -> library(k);
        };
    }

    private LibraryKernel library(FusedKernel k) {
        Var result = k.root().out();
        List<BufferRef> operands = new ArrayList<>();
        for (var a : k.root().inputs()) {
            operands.add(buffer((Var) a));
        }
        List<Var> epilogueOutputs = k.outputs().stream().filter(v -> v != result).toList();
        BufferRef resultBuffer = bufferOf.get(result);
        List<BufferRef> scratch = new ArrayList<>();
        if (resultBuffer == null) {
            // Only the epilogue reads the result: let it live in an epilogue output of its type,
            // which the epilogue then updates in place, or else in scratch memory.
            for (Var o : epilogueOutputs) {
                if (o.type().equals(result.type())) {
                    resultBuffer = buffer(o);
                    break;
                }
            }
            if (resultBuffer == null) {
                resultBuffer = scratch(k.name() + "_result", result.type());
                scratch.add(resultBuffer);
            }
        }
        LoopKernel epilogue = null;
        if (!epilogueOutputs.isEmpty()) {
            BufferRef rb = resultBuffer;
            epilogue = loopKernel(k.name() + "_epilogue", KernelBuilder.epilogue(k, rb, this::buffer), List.of());
        }
        return new LibraryKernel(k.name(), k.root(), operands, resultBuffer, epilogue, scratch);
    }

    private BufferRef scratch(String name, TensorType type) {
        BufferRef b = new BufferRef(buffers.size(), name, type, BufferRef.Kind.SCRATCH);
        buffers.add(b);
        return b;
    }

    private static LoopKernel loopKernel(String name, List<Stmt> body, List<BufferRef> scratch) {
        List<Stmt> collapsed = LoopCollapse.apply(body);
        Set<BufferRef> reads = new LinkedHashSet<>(), writes = new LinkedHashSet<>();
        KernelWalk.exprs(collapsed, e -> {
            if (e instanceof Expr.Load l) {
                reads.add(l.buffer());
            }
        });
        collectWrites(collapsed, writes);
        List<BufferRef> r = new ArrayList<>(reads), w = new ArrayList<>(writes);
        return new LoopKernel(name, r, w, scratch, collapsed, InPlaceAnalysis.of(collapsed, r, w));
    }

    private static void collectWrites(List<Stmt> body, Set<BufferRef> writes) {
        for (Stmt s : body) {
            switch (s) {
                case Stmt.Loop l -> collectWrites(l.body(), writes);
                case Stmt.If i -> {
                    collectWrites(i.then(), writes);
                    collectWrites(i.otherwise(), writes);
                }
                case Stmt.Store st -> writes.add(st.buffer());
                default -> {
                }
            }
        }
    }
}
