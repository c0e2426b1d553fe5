package dev.kiln.ir.opt;

import static dev.kiln.ir.testing.G.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.ArrayCompare;
import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Literal;
import dev.kiln.ir.Shape;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.gen.RandomPrograms;
import dev.kiln.ir.interp.Interpreter;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.Convert;
import dev.kiln.ir.prim.Iota;
import dev.kiln.ir.prim.Reshape;
import dev.kiln.ir.prim.Select;
import dev.kiln.ir.prim.Transpose;
import dev.kiln.ir.prim.UnaryOp;
import dev.kiln.ir.testing.G;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class OptimizerTest {

    /** A pass that counts its runs and rebuilds the graph (a new, equal instance) its first {@code changes} times. */
    private static class CountingPass implements GraphPass {
        int runs;
        int changes;

        CountingPass(int changes) {
            this.changes = changes;
        }

        @Override
        public String name() {
            return "counting";
        }

        @Override
        public Graph run(Graph graph) {
            runs++;
            if (changes-- > 0) {
                return new Graph(graph.inputs(), graph.constants(), graph.equations(), graph.outputs());
            }
            return graph;
        }
    }

    @Test
    void passesRunUntilEachHasLeftTheLatestGraphAloneAndNoFurther() {
        G g = new G();
        Var x = g.f32(3);
        Graph graph = g.build(g.un(UnaryOp.EXP, x));
        CountingPass quiet = new CountingPass(0), busy = new CountingPass(2), last = new CountingPass(0);
        Graph out = new Optimizer(List.of(quiet, busy, last)).run(graph);
        assertEquals(graph, out);
        // busy changes the graph twice (runs 1 and 2) and then leaves it alone (run 3); every other
        // pass runs once on each graph it has not yet seen: quiet on the original and the two rebuilt
        // graphs, last on the two rebuilt graphs, as soon as each is current.
        assertEquals(3, busy.runs);
        assertEquals(3, quiet.runs);
        assertEquals(2, last.runs);
    }

    @Test
    void anIdempotentPassIsNotRunAgainOnItsOwnOutput() {
        G g = new G();
        Graph graph = g.build(g.un(UnaryOp.EXP, g.f32(3)));
        CountingPass other = new CountingPass(0);
        CountingPass once = new CountingPass(1) {
            @Override
            public boolean idempotent() {
                return true;
            }
        };
        new Optimizer(List.of(once, other)).run(graph);
        // once rebuilds the graph on its first run and, being idempotent, is done with it; other
        // sees the rebuilt graph once and leaves it alone, which ends the rounds.
        assertEquals(1, once.runs);
        assertEquals(1, other.runs);
        CountingPass notIdempotent = new CountingPass(1), other2 = new CountingPass(0);
        new Optimizer(List.of(notIdempotent, other2)).run(graph);
        assertEquals(2, notIdempotent.runs);
    }

    @Test
    void deadCodeEliminationLeavesItsOwnOutputAlone() {
        G g = new G();
        Var x = g.f32(3);
        g.un(UnaryOp.LOG, g.un(UnaryOp.EXP, x));
        Graph graph = g.build(g.un(UnaryOp.TANH, x));
        DeadCodeElimination dce = new DeadCodeElimination();
        Graph once = dce.run(graph);
        assertEquals(1, once.equations().size());
        assertSame(once, dce.run(once));
    }

    @Test
    void multiplyByOneAddZeroSubtractZeroDivideByOneVanish() {
        G g = new G();
        Var x = g.f32(3);
        Var y = g.bin(BinaryOp.DIV, g.bin(BinaryOp.SUB, g.add(lit(0), g.mul(x, lit(1))), lit(0)), lit(1));
        Graph opt = Optimizer.optimize(g.build(y));
        assertEquals(0, opt.equations().size());
        assertSame(x, opt.outputs().getFirst());
    }

    @Test
    void addZeroOfScalarToArrayIsKeptBecauseItBroadcasts() {
        G g = new G();
        Var s = g.f32();
        var zeros = g.b.addConstant(ArrayData.zeros(TensorType.of(DType.F32, 3)));
        Graph opt = Optimizer.optimize(g.build(g.add(s, zeros)));
        assertEquals(1, opt.equations().size());
    }

    @Test
    void negOfNegIsTheOperand() {
        G g = new G();
        Var x = g.f32(2, 2);
        Graph opt = Optimizer.optimize(g.build(g.un(UnaryOp.NEG, g.un(UnaryOp.NEG, x))));
        assertSame(x, opt.outputs().getFirst());
    }

    @Test
    void transposeOfTransposeComposesAndVanishesWhenIdentity() {
        G g = new G();
        Var x = g.f32(2, 3, 4);
        Var t1 = g.eq(new Transpose(Ints.of(1, 2, 0)), x);
        Var back = g.eq(new Transpose(Ints.of(2, 0, 1)), t1);
        Var other = g.eq(new Transpose(Ints.of(1, 0, 2)), t1);
        Graph opt = Optimizer.optimize(g.build(back, other));
        assertSame(x, opt.outputs().get(0));
        assertEquals(1, opt.equations().size());
        Transpose t = assertInstanceOf(Transpose.class, opt.equations().getFirst().primitive());
        assertEquals(Ints.of(2, 1, 0), t.permutation());
        assertSame(x, opt.equations().getFirst().input(0));
        assertSameResults(g.build(back, other), opt);
    }

    @Test
    void reshapeChainsBecomeOneReshape() {
        G g = new G();
        Var x = g.f32(4, 6);
        Var r = g.eq(new Reshape(Shape.of(2, 12)), g.eq(new Reshape(Shape.of(24)), g.eq(new Reshape(Shape.of(6, 4)), x)));
        Graph opt = Optimizer.optimize(g.build(r));
        assertEquals(1, opt.equations().size());
        assertSame(x, opt.equations().getFirst().input(0));
        assertEquals(new Reshape(Shape.of(2, 12)), opt.equations().getFirst().primitive());
    }

    @Test
    void identityReshapeTransposeAndBroadcastVanish() {
        G g = new G();
        Var x = g.f32(4, 6);
        Var y = g.bcast(g.eq(new Transpose(Ints.of(0, 1)), g.eq(new Reshape(Shape.of(4, 6)), x)), new int[] {4, 6}, 0, 1);
        Graph opt = Optimizer.optimize(g.build(y));
        assertSame(x, opt.outputs().getFirst());
    }

    @Test
    void broadcastOfBroadcastComposes() {
        G g = new G();
        Var x = g.f32(3);
        Var b1 = g.bcast(x, new int[] {2, 3}, 1);
        Var b2 = g.bcast(b1, new int[] {2, 5, 3}, 0, 2);
        Graph original = g.build(b2);
        Graph opt = Optimizer.optimize(original);
        assertEquals(1, opt.equations().size());
        assertSame(x, opt.equations().getFirst().input(0));
        assertSameResults(original, opt);
    }

    @Test
    void convertToTheSameDtypeVanishes() {
        G g = new G();
        Var x = g.f32(3);
        Graph opt = Optimizer.optimize(g.build(g.eq(new Convert(DType.F32), x)));
        assertSame(x, opt.outputs().getFirst());
    }

    @Test
    void selectWithConstantPredicatePicksItsBranch() {
        G g = new G();
        Var a = g.f32(3), b = g.f32(3);
        Var onTrue = g.eq(new Select(), Literal.of(1, DType.BOOL), a, b);
        Var onFalse = g.eq(new Select(), Literal.of(0, DType.BOOL), a, b);
        Graph opt = Optimizer.optimize(g.build(onTrue, onFalse));
        assertSame(a, opt.outputs().get(0));
        assertSame(b, opt.outputs().get(1));
    }

    @Test
    void commonSubexpressionsMergeWithLiteralsComparedByValue() {
        G g = new G();
        Var x = g.f32(3);
        Var a = g.un(UnaryOp.EXP, g.add(x, lit(2)));
        Var b = g.un(UnaryOp.EXP, g.add(x, lit(2)));
        Var c = g.un(UnaryOp.EXP, g.add(x, lit(3)));
        Graph opt = Optimizer.optimize(g.build(a, b, c));
        assertEquals(4, opt.equations().size());
        assertSame(opt.outputs().get(0), opt.outputs().get(1));
        assertTrue(opt.outputs().get(0) != opt.outputs().get(2));
    }

    @Test
    void smallConstantSubgraphsFoldAndScalarsBecomeLiterals() {
        G g = new G();
        Var x = g.f32(4);
        Var io = g.eq(new Iota(DType.F32, Shape.of(4), 0));
        Var two = g.b.addConstant(ArrayData.scalar(2, DType.F32));
        Var scale = g.un(UnaryOp.EXP, g.mul(two, lit(0.5)));
        Var y = g.add(g.mul(x, scale), io);
        Graph original = g.build(y);
        Graph opt = Optimizer.optimize(original);
        // exp(2 * 0.5) folds to a literal operand of the multiply; iota folds to a constant.
        assertEquals(2, opt.equations().size());
        assertInstanceOf(Literal.class, opt.equations().getFirst().input(1));
        assertEquals((float) Math.E, opt.equations().getFirst().input(1) instanceof Literal l ? l.value() : 0, 1e-6);
        assertEquals(1, opt.constants().size());
        assertSameResults(original, opt);
    }

    @Test
    void largeConstantResultsAreNotFolded() {
        G g = new G();
        Var io = g.eq(new Iota(DType.F32, Shape.of(64, 64), 1));
        Var y = g.un(UnaryOp.EXP, io);
        Graph opt = Optimizer.optimize(g.build(y));
        assertEquals(2, opt.equations().size());
        assertEquals(0, opt.constants().size());
    }

    @Test
    void deadEquationsAndConstantsAreRemoved() {
        G g = new G();
        Var x = g.f32(3);
        g.b.addConstant(ArrayData.zeros(TensorType.of(DType.F32, 3)));
        g.un(UnaryOp.EXP, x);
        Var y = g.un(UnaryOp.TANH, x);
        Graph opt = new DeadCodeElimination().run(g.build(y));
        assertEquals(1, opt.equations().size());
        assertEquals(0, opt.constants().size());
        assertEquals(1, opt.inputs().size());
    }

    @Property(tries = 150)
    void optimisedRandomProgramsComputeWhatTheOriginalsCompute(@ForAll long seed) {
        Graph g = RandomPrograms.generate(new Random(seed), RandomPrograms.Options.defaults().withMaxEquations(16));
        assertSameResults(g, Optimizer.optimize(g), seed);
    }

    private static void assertSameResults(Graph original, Graph optimised) {
        assertSameResults(original, optimised, 7);
    }

    private static void assertSameResults(Graph original, Graph optimised, long seed) {
        List<ArrayData> in = RandomPrograms.randomInputs(original, new Random(seed));
        List<ArrayData> expected = Interpreter.run(original, in);
        List<ArrayData> actual = Interpreter.run(optimised, in);
        ArrayCompare.assertClose(expected, actual, 1e-6, 1e-6, "optimised graph (seed " + seed + ")");
    }
}
