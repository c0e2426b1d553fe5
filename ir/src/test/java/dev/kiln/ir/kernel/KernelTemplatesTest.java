package dev.kiln.ir.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.ArrayCompare;
import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
import dev.kiln.ir.GraphBuilder;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Shape;
import dev.kiln.ir.SourceLocation;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.buffers.BufferAssignment;
import dev.kiln.ir.buffers.BufferPlan;
import dev.kiln.ir.fusion.FusedKernel;
import dev.kiln.ir.fusion.Fuser;
import dev.kiln.ir.fusion.FusionPlan;
import dev.kiln.ir.fusion.KernelKind;
import dev.kiln.ir.gen.RandomPrograms;
import dev.kiln.ir.interp.Interpreter;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BroadcastInDim;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.Convert;
import dev.kiln.ir.prim.DotGeneral;
import dev.kiln.ir.prim.Iota;
import dev.kiln.ir.prim.Pad;
import dev.kiln.ir.prim.Primitive;
import dev.kiln.ir.prim.ReduceSum;
import dev.kiln.ir.prim.Reshape;
import dev.kiln.ir.prim.Slice;
import dev.kiln.ir.prim.Unary;
import dev.kiln.ir.prim.UnaryOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * Lowering shares a kernel's IR with an earlier kernel of equal structure: the shared program is
 * the one lowered afresh, kernels that differ in a parameter, a dtype or a layout are not shared,
 * and the shared kernels compute what the interpreter computes.
 */
class KernelTemplatesTest {
    private static final SourceLocation AT = SourceLocation.UNKNOWN;
    private static final int T = 5, H = 8;

    private static Var eq(GraphBuilder b, Primitive p, Var... in) {
        return b.addEquation(p, List.of(in), AT);
    }

    /**
     * An unrolled recurrence: {@code h = tanh(h w + x[t])} for T steps, with {@code sum(exp(h))}
     * of each step as an output: its reductions are equal but for their buffers, its epilogues
     * read {@code x} at a different slice each.
     */
    private static Graph recurrence() {
        GraphBuilder b = new GraphBuilder();
        Var x = b.addInput(TensorType.of(DType.F32, T, H));
        Var w = b.addInput(TensorType.of(DType.F32, H, H));
        Var h = b.addInput(TensorType.of(DType.F32, 1, H));
        List<Var> outs = new ArrayList<>();
        for (int t = 0; t < T; t++) {
            Var xt = eq(b, new Slice(Ints.of(t, 0), Ints.of(t + 1, H), Ints.of(1, 1)), x);
            Var hw = eq(b, DotGeneral.matmul(), h, w);
            h = eq(b, new Unary(UnaryOp.TANH), eq(b, new Binary(BinaryOp.ADD), hw, xt));
            outs.add(eq(b, new ReduceSum(Ints.of(0, 1)), eq(b, new Unary(UnaryOp.EXP), h)));
        }
        outs.add(h);
        return b.build(outs);
    }

    /**
     * Products read only by an epilogue whose output has another dtype ({@code f64(exp(x_t w))}): each
     * library kernel keeps its result in scratch memory, which a shared copy must get afresh.
     */
    private static Graph productsInScratch() {
        GraphBuilder b = new GraphBuilder();
        Var w = b.addInput(TensorType.of(DType.F32, H, H));
        List<Var> outs = new ArrayList<>();
        for (int t = 0; t < T; t++) {
            Var x = b.addInput(TensorType.of(DType.F32, 2, H));
            outs.add(eq(b, new Convert(DType.F64), eq(b, new Unary(UnaryOp.EXP), eq(b, DotGeneral.matmul(), x, w))));
        }
        return b.build(outs);
    }

    @Test
    void sharedLibraryKernelsGetScratchOfTheirOwn() {
        Graph g = productsInScratch();
        FusionPlan plan = Fuser.plan(g, Fuser.Options.of(true));
        KernelProgram fresh = Lowering.lower(plan, false), shared = Lowering.lower(plan, true);
        assertEquals(fresh.text(), shared.text());
        assertEquals(fresh.buffers(), shared.buffers());
        List<BufferRef> scratch = new ArrayList<>();
        for (Kernel k : shared.kernels()) {
            if (k instanceof LibraryKernel lib) {
                scratch.addAll(lib.scratch());
            }
        }
        assertEquals(T, scratch.size(), shared.text());
        assertEquals(T, scratch.stream().distinct().count());
        assertTrue(shared.kernels().stream().anyMatch(k -> k instanceof LibraryKernel lib && lib.epilogue() != null
                && shared.template(lib.epilogue()) != lib.epilogue()), "the epilogues are shared");
        check(g, RandomPrograms.randomInputs(g, new Random(11)), "products in scratch");
    }

    /** {@code sum(exp(x[start:start+4] * 2))} over an input of {@code dtype}: one reduction kernel. */
    private static FusedKernel reduction(DType dtype, int start, int axis, UnaryOp op) {
        GraphBuilder b = new GraphBuilder();
        Var x = b.addInput(TensorType.of(dtype, 8, 4));
        Var s = eq(b, new Slice(Ints.of(start, 0), Ints.of(start + 4, 4), Ints.of(1, 1)), x);
        Var r = eq(b, new ReduceSum(Ints.of(axis)), eq(b, new Unary(op), s));
        FusionPlan plan = Fuser.plan(b.build(List.of(r)), Fuser.Options.of(true));
        return plan.kernels().stream().filter(k -> k.kind() == KernelKind.REDUCTION).findFirst().orElseThrow();
    }

    private static List<Object> key(FusedKernel k) {
        return KernelTemplates.key(k, v -> null).parts();
    }

    @Test
    void kernelsDifferingOnlyInTheirValuesHaveEqualKeys() {
        assertEquals(key(reduction(DType.F32, 2, 1, UnaryOp.EXP)), key(reduction(DType.F32, 2, 1, UnaryOp.EXP)));
    }

    @Test
    void kernelsDifferingInOneParameterDtypeOrOperationHaveDifferentKeys() {
        List<Object> base = key(reduction(DType.F32, 2, 1, UnaryOp.EXP));
        assertNotEquals(base, key(reduction(DType.F32, 2, 0, UnaryOp.EXP)), "reduced axis");
        assertNotEquals(base, key(reduction(DType.F64, 2, 1, UnaryOp.EXP)), "dtype");
        assertNotEquals(base, key(reduction(DType.F32, 2, 0, UnaryOp.EXP)), "reduced axis");
        assertNotEquals(base, key(reduction(DType.F32, 2, 1, UnaryOp.TANH)), "operation");
    }

    @Test
    void aSliceStartOfAValueInMemoryIsAnOffsetNotPartOfTheKey() {
        KernelTemplates.Key two = KernelTemplates.key(reduction(DType.F32, 2, 1, UnaryOp.EXP), v -> null);
        KernelTemplates.Key three = KernelTemplates.key(reduction(DType.F32, 3, 1, UnaryOp.EXP), v -> null);
        assertEquals(two.parts(), three.parts());
        assertEquals(List.of(2 * 4), List.of(two.offsets()[0]));
        assertEquals(List.of(3 * 4), List.of(three.offsets()[0]));
    }

    @Test
    void sharedLoweringEqualsLoweringEachKernelAfresh() {
        FusionPlan plan = Fuser.plan(recurrence(), Fuser.Options.of(true));
        KernelProgram fresh = Lowering.lower(plan, false), shared = Lowering.lower(plan, true);
        assertEquals(fresh.text(), shared.text());
        assertEquals(fresh.buffers(), shared.buffers());
    }

    @Test
    void equalReductionsAndEpiloguesReadingAnotherSliceShareTheirLowering() {
        KernelProgram p = Lowering.lower(Fuser.plan(recurrence(), Fuser.Options.of(true)), true);
        List<LoopKernel> reductions = new ArrayList<>();
        List<LoopKernel> epilogues = new ArrayList<>();
        for (Kernel k : p.kernels()) {
            if (k instanceof LoopKernel l && !l.name().contains("dot")) {
                reductions.add(l);
            } else if (k instanceof LibraryKernel lib && lib.epilogue() != null) {
                epilogues.add(lib.epilogue());
            }
        }
        assertTrue(reductions.size() >= T && epilogues.size() >= 2, p.text());
        // A shared kernel is the first one's IR renamed: its loops are the very same variables.
        assertSame(firstLoopVar(reductions.get(1)), firstLoopVar(reductions.getFirst()));
        assertNotEquals(reductions.get(1).reads(), reductions.getFirst().reads());
        // The epilogue of step t reads x[t]: the template's IR with x's addresses shifted by a row.
        // (Step 0's reads the input h, not a value: it has a key of its own.)
        assertSame(epilogues.get(1), p.template(epilogues.get(2)));
        assertSame(epilogues.get(1), p.template(epilogues.get(3)));
        assertEquals(loadOfX(epilogues.get(1)).plus(2 * H), loadOfX(epilogues.get(3)));
    }

    /** The index of the first load of the recurrence's input {@code x [T, H]}. */
    private static Idx loadOfX(LoopKernel k) {
        List<Idx> loads = new ArrayList<>();
        KernelWalk.exprs(k.body(), e -> {
            if (e instanceof Expr.Load l && l.buffer().kind() == BufferRef.Kind.INPUT && l.buffer().type().shape().rank() == 2
                    && l.buffer().type().shape().dim(0) == T) {
                loads.add(l.index());
            }
        });
        return loads.getFirst();
    }

    /**
     * One output per start in {@code starts}, each its own kernel made by {@code step} from the
     * input {@code x [2T, H]} and the start: lowered alike shared or not, computing what the
     * interpreter computes; returns the shared program.
     */
    private static KernelProgram steps(String what, StepKernel step, int... starts) {
        GraphBuilder b = new GraphBuilder();
        Var x = b.addInput(TensorType.of(DType.F32, 2 * T, H));
        Var y = b.addInput(TensorType.of(DType.F32, 2 * T, H));
        List<Var> outs = new ArrayList<>();
        for (int t : starts) {
            outs.add(step.make(b, x, y, t));
        }
        return lowerAlike(b.build(outs), what);
    }

    /** {@code g} lowered shared and afresh, which must agree, checked against the interpreter: the shared program. */
    private static KernelProgram lowerAlike(Graph g, String what) {
        FusionPlan plan = Fuser.plan(g, Fuser.Options.of(true));
        KernelProgram fresh = Lowering.lower(plan, false), shared = Lowering.lower(plan, true);
        assertEquals(fresh.text(), shared.text(), what);
        check(g, RandomPrograms.randomInputs(g, new Random(3)), what);
        return shared;
    }

    private interface StepKernel {
        Var make(GraphBuilder b, Var x, Var y, int t);
    }

    private static Var rows(GraphBuilder b, Var x, int start, int n) {
        return eq(b, new Slice(Ints.of(start, 0), Ints.of(start + n, H), Ints.of(1, 1)), x);
    }

    /** How many of the program's loop kernels that read its first input are copies of another. */
    private static long copies(KernelProgram p) {
        BufferRef x = p.inputs().getFirst();
        return p.kernels().stream().filter(k -> k instanceof LoopKernel l && l.reads().contains(x) && p.template(l) != l).count();
    }

    @Test
    void kernelsDifferingOnlyInTheStartsOfTheirSlicesShareAndComputeTheSame() {
        // exp(x[t:t+2]) * y[2t+1:2t+3]: two sliced inputs, each shifted by its own offset.
        KernelProgram p = steps("two slices", (b, x, y, t) -> eq(b, new Binary(BinaryOp.MUL),
                eq(b, new Unary(UnaryOp.EXP), rows(b, x, t, 2)), rows(b, y, Math.min(2 * t + 1, 2 * T - 2), 2)), 0, 1, 2, 3, 4);
        assertEquals(4, copies(p), p.text());
        // (x + broadcast(y[0]))[t:t+2]: the sum is computed at the slice's rows alone.
        p = steps("slice of a sum", (b, x, y, t) -> rows(b, eq(b, new Binary(BinaryOp.ADD), x,
                eq(b, new BroadcastInDim(Shape.of(2 * T, H), Ints.of(0, 1)), rows(b, y, 0, 1))), t, 2), 0, 1, 2, 3);
        assertEquals(3, copies(p), p.text());
        // exp(broadcast(y[0:1], [2T, 1, H]))[t:t+1]: the start falls on a broadcast dimension.
        p = steps("slice of a broadcast", (b, x, y, t) -> eq(b, new Unary(UnaryOp.EXP), eq(b, new Slice(Ints.of(t, 0, 0),
                Ints.of(t + 1, 1, H), Ints.of(1, 1, 1)), eq(b, new BroadcastInDim(Shape.of(2 * T, 1, H), Ints.of(1, 2)), rows(b, x, 0, 1)))),
                0, 1, 2, 3);
        assertEquals(3, copies(p), p.text());
        // A reduction over a slice: sum(x[t:t+3], axis 0).
        p = steps("sliced reduction", (b, x, y, t) -> eq(b, new ReduceSum(Ints.of(0)), rows(b, x, t, 3)), 0, 2, 4, 6);
        assertEquals(3, copies(p), p.text());
    }

    @Test
    void kernelsWhoseSlicesDifferInMoreThanTheirStartDoNotShare() {
        // Two slices of one buffer: their distance decides which loads coincide (not shared, even if equal).
        KernelProgram p = steps("neighbour slices", (b, x, y, t) -> eq(b, new Binary(BinaryOp.ADD), rows(b, x, t, 2), rows(b, x, t + 1, 2)),
                0, 3, 5);
        assertEquals(0, copies(p), p.text());
        p = steps("distance", (b, x, y, t) -> eq(b, new Binary(BinaryOp.ADD), rows(b, x, 1, 2), rows(b, x, t, 2)),
                1, 2, 3);
        assertEquals(0, copies(p), p.text());
        // A buffer also read whole (through a reduction's broadcast here) keeps its slices' starts.
        p = steps("read whole too", (b, x, y, t) -> eq(b, new Binary(BinaryOp.ADD), rows(b, x, t, 2 * T - 4),
                eq(b, new Slice(Ints.of(0, 0), Ints.of(2 * T - 4, H), Ints.of(1, 1)), x)), 1, 2, 3);
        assertEquals(0, copies(p), p.text());
        // A slice of an iota, or of a reshape: the start changes a value or goes under a quotient.
        p = steps("iota", (b, x, y, t) -> eq(b, new Binary(BinaryOp.ADD), rows(b, eq(b, new Iota(DType.F32, Shape.of(2 * T, H), 0)), t, 2),
                rows(b, x, 0, 2)), 0, 1, 2);
        assertEquals(0, copies(p), p.text());
        p = steps("reshape", (b, x, y, t) -> eq(b, new Unary(UnaryOp.EXP), eq(b, new Slice(Ints.of(t, 0), Ints.of(t + 2, 2 * H),
                Ints.of(1, 1)), eq(b, new Reshape(Shape.of(T, 2 * H)), x))), 0, 1, 2);
        assertEquals(0, copies(p), p.text());
        // A buffer read both through the slice and at the kernel's own index.
        p = steps("read unshifted too", (b, x, y, t) -> eq(b, new Binary(BinaryOp.ADD), eq(b, new Unary(UnaryOp.EXP), x),
                eq(b, new BroadcastInDim(Shape.of(2 * T, H), Ints.of(0, 1)), rows(b, eq(b, new Unary(UnaryOp.EXP), x), t, 1))), 0, 1, 2);
        assertEquals(0, copies(p), p.text());
        // Another extent or stride is another loop.
        p = steps("extent", (b, x, y, t) -> eq(b, new ReduceSum(Ints.of(0, 1)), rows(b, x, 0, t)), 1, 2, 3);
        assertEquals(0, copies(p), p.text());
        p = steps("stride", (b, x, y, t) -> eq(b, new Unary(UnaryOp.EXP),
                eq(b, new Slice(Ints.of(0, 0), Ints.of(2 * T, H), Ints.of(t, 1)), x)), 2, 3);
        assertEquals(0, copies(p), p.text());
    }

    @Test
    void aShiftedCopyFindsItsOwnInPlacePairs() {
        // pad(v[t:t+2T-1], low 1) reads v exactly where it writes for t = 1 (v may then be
        // overwritten in place), one row off for t = 0: the copy must not inherit the pair.
        GraphBuilder b = new GraphBuilder();
        Var x = b.addInput(TensorType.of(DType.F32, 2 * T, H));
        Var zero = b.addInput(TensorType.of(DType.F32));
        Var v = eq(b, new Unary(UnaryOp.EXP), x);
        List<Var> outs = new ArrayList<>(List.of(v));
        for (int t : new int[] {1, 0}) {
            outs.add(eq(b, new Unary(UnaryOp.NEG), eq(b, new Pad(Ints.of(1, 0), Ints.of(0, 0), Ints.of(0, 0)),
                    rows(b, v, t, 2 * T - 1), zero)));
        }
        KernelProgram p = lowerAlike(b.build(outs), "padded slices");
        List<LoopKernel> padded = p.kernels().stream().filter(k -> k instanceof LoopKernel l
                && l.reads().stream().anyMatch(r -> r.kind() == BufferRef.Kind.VALUE)).map(k -> (LoopKernel) k).toList();
        assertEquals(2, padded.size(), p.text());
        assertSame(padded.getFirst(), p.template(padded.get(1)));
        assertEquals(1, padded.getFirst().inPlace().size(), p.text());
        assertEquals(0, padded.get(1).inPlace().size(), p.text());
    }

    @Test
    void padsOfOtherWidthsAroundSlicesDoNotShare() {
        KernelProgram p = steps("pad widths", (b, x, y, t) -> eq(b, new Pad(Ints.of(t, 0), Ints.of(2 - t, 0), Ints.of(0, 0)),
                rows(b, x, t, 2), eq(b, new ReduceSum(Ints.of(0, 1)), y)), 0, 1, 2);
        assertEquals(0, copies(p), p.text());
    }

    private static LoopVar firstLoopVar(LoopKernel k) {
        return k.body().stream().filter(s -> s instanceof Stmt.Loop).map(s -> ((Stmt.Loop) s).var()).findFirst().orElseThrow();
    }

    @Test
    void sharedKernelsComputeWhatTheInterpreterComputes() {
        Graph g = recurrence();
        List<ArrayData> in = RandomPrograms.randomInputs(g, new Random(7));
        check(g, in, "recurrence");
    }

    @Property(tries = 120)
    void randomProgramsLowerAlikeSharedOrNot(@ForAll long seed) {
        Graph g = RandomPrograms.generate(new Random(seed), RandomPrograms.Options.defaults().withMaxEquations(20));
        for (boolean fuse : new boolean[] {true, false}) {
            FusionPlan plan = Fuser.plan(g, Fuser.Options.of(fuse));
            assertEquals(Lowering.lower(plan, false).text(), Lowering.lower(plan, true).text(), "seed " + seed);
        }
        check(g, RandomPrograms.randomInputs(g, new Random(seed ^ 0x5eed)), "seed " + seed);
    }

    private static void check(Graph g, List<ArrayData> in, String what) {
        List<ArrayData> expected = Interpreter.run(g, in);
        KernelProgram p = Lowering.lower(Fuser.plan(g, Fuser.Options.of(true)), true);
        BufferPlan buffers = BufferAssignment.assign(p, BufferAssignment.Options.of(true));
        List<ArrayData> actual = KernelInterpreter.run(p, buffers, in);
        for (int i = 0; i < expected.size(); i++) {
            ArrayCompare.assertCloseToScale(expected.get(i), actual.get(i), 2e-5, what + ", output " + i + "\n" + p.text());
        }
    }
}
