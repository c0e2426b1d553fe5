package dev.kiln.ir.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.ArrayCompare;
import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
import dev.kiln.ir.GraphBuilder;
import dev.kiln.ir.Ints;
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
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.Convert;
import dev.kiln.ir.prim.DotGeneral;
import dev.kiln.ir.prim.Primitive;
import dev.kiln.ir.prim.ReduceSum;
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
        return KernelTemplates.key(k, v -> null);
    }

    @Test
    void kernelsDifferingOnlyInTheirValuesHaveEqualKeys() {
        assertEquals(key(reduction(DType.F32, 2, 1, UnaryOp.EXP)), key(reduction(DType.F32, 2, 1, UnaryOp.EXP)));
    }

    @Test
    void kernelsDifferingInOneParameterDtypeOrOperationHaveDifferentKeys() {
        List<Object> base = key(reduction(DType.F32, 2, 1, UnaryOp.EXP));
        assertNotEquals(base, key(reduction(DType.F32, 3, 1, UnaryOp.EXP)), "slice start (the address stride offset)");
        assertNotEquals(base, key(reduction(DType.F64, 2, 1, UnaryOp.EXP)), "dtype");
        assertNotEquals(base, key(reduction(DType.F32, 2, 0, UnaryOp.EXP)), "reduced axis");
        assertNotEquals(base, key(reduction(DType.F32, 2, 1, UnaryOp.TANH)), "operation");
    }

    @Test
    void sharedLoweringEqualsLoweringEachKernelAfresh() {
        FusionPlan plan = Fuser.plan(recurrence(), Fuser.Options.of(true));
        KernelProgram fresh = Lowering.lower(plan, false), shared = Lowering.lower(plan, true);
        assertEquals(fresh.text(), shared.text());
        assertEquals(fresh.buffers(), shared.buffers());
    }

    @Test
    void equalReductionsShareTheirLoweringAndSlicedEpiloguesDoNot() {
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
        assertNotSame(firstLoad(epilogues.get(1)), firstLoad(epilogues.getFirst()));
    }

    private static LoopVar firstLoopVar(LoopKernel k) {
        return k.body().stream().filter(s -> s instanceof Stmt.Loop).map(s -> ((Stmt.Loop) s).var()).findFirst().orElseThrow();
    }

    private static Object firstLoad(LoopKernel k) {
        List<Idx> loads = new ArrayList<>();
        KernelWalk.exprs(k.body(), e -> {
            if (e instanceof Expr.Load l) {
                loads.add(l.index());
            }
        });
        return loads.getFirst();
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
