package dev.kiln.ir.buffers;

import static dev.kiln.ir.testing.G.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.ArrayCompare;
import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Var;
import dev.kiln.ir.gen.RandomPrograms;
import dev.kiln.ir.interp.Interpreter;
import dev.kiln.ir.kernel.KernelInterpreter;
import dev.kiln.ir.prim.UnaryOp;
import dev.kiln.ir.testing.G;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BufferAssignmentTest {

    /** exp, tanh, log1p, sin, cos, neg of x: unfused, each step can overwrite the step before. */
    private static Graph chain() {
        G g = new G();
        Var v = g.f32(1000);
        for (UnaryOp op : List.of(UnaryOp.EXP, UnaryOp.TANH, UnaryOp.LOG1P, UnaryOp.SIN, UnaryOp.COS)) {
            v = g.un(op, v);
        }
        return g.build(g.un(UnaryOp.NEG, v));
    }

    @Test
    void unfusedElementwiseChainRunsInPlaceInTheOutputArray() {
        CompiledPlan c = CompiledPlan.of(chain(), false, true);
        BufferPlan p = c.buffers();
        assertEquals(0, p.arenaSize(DType.F32), p.text());
        assertEquals(5, p.inPlace().size(), p.text());
        assertTrue(p.text().contains("arena bytes 0 vs 20000 bytes of intermediates"), p.text());
        checkRuns(chain(), c);
    }

    @Test
    void unfusedChainWhoseLastValueIsReadTwiceRunsInPlaceInOneSlot() {
        G g = new G();
        Var v = g.f32(1000);
        for (UnaryOp op : List.of(UnaryOp.EXP, UnaryOp.TANH, UnaryOp.LOG1P, UnaryOp.SIN)) {
            v = g.un(op, v);
        }
        Graph graph = g.build(g.add(v, g.un(UnaryOp.NEG, v)));
        CompiledPlan c = CompiledPlan.of(graph, false, true);
        BufferPlan p = c.buffers();
        assertEquals(1008, p.arenaSize(DType.F32), p.text());
        assertTrue(p.arenaBytes() < p.intermediateBytes());
        checkRuns(graph, c);
    }

    @Test
    void withoutReuseEveryIntermediateHasItsOwnSlot() {
        CompiledPlan c = CompiledPlan.of(chain(), false, false);
        BufferPlan p = c.buffers();
        assertEquals(5 * 1008, p.arenaSize(DType.F32));
        assertTrue(p.inPlace().isEmpty());
        checkRuns(chain(), c);
    }

    @Test
    void bestFitReusesAFreedSlotOfTheRightSize() {
        G g = new G();
        Var x = g.f32(100), big = g.f32(1000);
        Var a = g.un(UnaryOp.EXP, big);            // 1000, dies at c
        Var b = g.un(UnaryOp.EXP, x);              // 100, lives to the end
        Var c = g.add(g.sum(a, 0), lit(1));        // scalar
        Var d = g.un(UnaryOp.TANH, x);             // 100: fits in a's freed slot
        Var e = g.add(g.mul(b, c), d);
        CompiledPlan plan = CompiledPlan.of(g.build(e), false, true);
        assertTrue(plan.buffers().arenaSize(DType.F32) < 1008 + 112 + 16 + 112 + 112, plan.buffers().text());
        checkRuns(g.build(e), plan);
    }

    @Test
    void validatorRejectsTwoLiveBuffersInOneSlot() {
        G g = new G();
        Var x = g.f32(64);
        Var a = g.un(UnaryOp.EXP, x), b = g.un(UnaryOp.TANH, x);
        CompiledPlan c = CompiledPlan.of(g.build(g.add(a, b)), false, true);
        assertTrue(BufferValidator.problems(c.buffers()).isEmpty());
        Storage sa = c.buffers().storageOf().get(c.program().buffer(a));
        Storage sb = c.buffers().storageOf().get(c.program().buffer(b));
        sb.placement = sa.placement;
        List<String> problems = BufferValidator.problems(c.buffers());
        assertFalse(problems.isEmpty());
        assertTrue(problems.getFirst().contains("share memory while both are live"), problems.getFirst());
    }

    @Test
    void validatorPassesOnRandomProgramsWithAndWithoutFusion() {
        for (long seed = 0; seed < 60; seed++) {
            Graph g = RandomPrograms.generate(new Random(seed), RandomPrograms.Options.defaults().withMaxEquations(30));
            for (boolean fuse : new boolean[] {true, false}) {
                BufferPlan p = CompiledPlan.of(g, fuse, true).buffers();
                assertEquals(List.of(), BufferValidator.problems(p));
                assertTrue(p.arenaBytes() <= p.intermediateBytes() + 64L * p.storages().size());
            }
        }
    }

    @Test
    void scatterAddUpdatesItsDyingOperandInPlaceWhenTheBackendAllows() {
        G g = new G();
        Var idx = g.in(DType.I32, 4, 3), upd = g.f32(4, 3, 5);
        Var zeros = g.bcast(g.f32(), new int[] {4, 10, 5});
        Var s = g.eq(new dev.kiln.ir.prim.ScatterAdd(1), zeros, idx, upd);
        Graph graph = g.build(g.mul(s, lit(2)));
        CompiledPlan plain = CompiledPlan.of(graph, false, true);
        CompiledPlan inPlace = CompiledPlan.of(graph, dev.kiln.ir.fusion.Fuser.Options.of(false), new BufferAssignment.Options(true, true));
        assertTrue(plain.buffers().inPlace().stream().noneMatch(u -> u.written().equals(inPlace.program().buffer(s))));
        assertTrue(inPlace.buffers().inPlace().stream().anyMatch(u -> u.written().equals(inPlace.program().buffer(s))),
                inPlace.buffers().text());
        assertTrue(inPlace.buffers().arenaSize(DType.F32) < plain.buffers().arenaSize(DType.F32));
        List<ArrayData> in = RandomPrograms.randomInputs(graph, new Random(2));
        for (int i = 0; i < in.get(0).size(); i++) {
            in.get(0).setInt(i, Math.floorMod(in.get(0).getInt(i), 10));
        }
        ArrayCompare.assertClose(Interpreter.run(graph, in), KernelInterpreter.run(inPlace.program(), inPlace.buffers(), in),
                1e-6, 1e-6, "scatter in place");
    }

    @Test
    void outputsThatAreInputsOrRepeatedAreCopied() {
        G g = new G();
        Var x = g.f32(3);
        Var y = g.un(UnaryOp.EXP, x);
        CompiledPlan c = CompiledPlan.of(g.build(y, x, y, lit(2)), true, true);
        List<OutputBinding> outs = c.buffers().outputs();
        assertEquals(OutputBinding.Kind.OWNED, outs.get(0).kind());
        assertEquals(OutputBinding.Kind.COPY, outs.get(1).kind());
        assertEquals(OutputBinding.Kind.COPY, outs.get(2).kind());
        assertEquals(OutputBinding.Kind.FILL, outs.get(3).kind());
        checkRuns(g.build(y, x, y, lit(2)), c);
    }

    private static void checkRuns(Graph g, CompiledPlan c) {
        List<ArrayData> in = RandomPrograms.randomInputs(g, new Random(1));
        ArrayCompare.assertClose(Interpreter.run(g, in), KernelInterpreter.run(c.program(), c.buffers(), in), 1e-5, 1e-6, "run");
    }
}
