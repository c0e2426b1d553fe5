package dev.kiln.ir.opt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.ArrayCompare;
import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Ints;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.gen.RandomPrograms;
import dev.kiln.ir.interp.Interpreter;
import dev.kiln.ir.prim.Concatenate;
import dev.kiln.ir.prim.Pad;
import dev.kiln.ir.testing.G;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PadSumsToConcatenationTest {

    private static Var zero(G g) {
        return g.b.addConstant(ArrayData.zeros(TensorType.of(DType.F32)));
    }

    /** {@code x} of shape [1, n] padded to [rows, n] at row {@code at}. */
    private static Var padRow(G g, Var x, Var zero, int at, int rows) {
        return g.eq(new Pad(Ints.of(at, 0), Ints.of(rows - 1 - at, 0), Ints.of(0, 0)), x, zero);
    }

    @Test
    void chainOfPaddedStepsBecomesOneConcatenation() {
        G g = new G();
        Var zero = zero(g);
        int steps = 5;
        Var sum = null;
        for (int t = steps - 1; t >= 0; t--) {
            Var p = padRow(g, g.f32(1, 3), zero, t, steps);
            sum = sum == null ? p : g.add(sum, p);
        }
        Graph before = g.build(sum);
        Graph after = Optimizer.optimize(before);
        List<Equation> concats = after.equations().stream().filter(e -> e.primitive() instanceof Concatenate).toList();
        assertEquals(1, concats.size(), after.toString());
        assertEquals(steps, concats.getFirst().inputs().size());
        assertTrue(after.equations().stream().noneMatch(e -> e.primitive() instanceof Pad), after.toString());
        assertSameResults(before, after);
    }

    @Test
    void gapsBetweenSlabsAreFilledWithZeros() {
        G g = new G();
        Var zero = zero(g);
        Var a = g.eq(new Pad(Ints.of(0, 1), Ints.of(0, 6), Ints.of(0, 0)), g.f32(2, 2), zero);
        Var b = g.eq(new Pad(Ints.of(0, 5), Ints.of(0, 0), Ints.of(0, 0)), g.f32(2, 4), zero);
        Graph before = g.build(g.add(b, a));
        Graph after = Optimizer.optimize(before);
        Equation root = after.equations().getLast();
        Concatenate c = assertInstanceOf(Concatenate.class, root.primitive());
        assertEquals(1, c.dimension());
        assertEquals(4, root.inputs().size(), "zeros, a, zeros, b");
        assertSameResults(before, after);
    }

    @Test
    void overlappingOrDenseTermsAreLeftAlone() {
        G g = new G();
        Var zero = zero(g);
        Var a = g.eq(new Pad(Ints.of(0), Ints.of(2), Ints.of(0)), g.f32(3), zero);
        Var b = g.eq(new Pad(Ints.of(1), Ints.of(1), Ints.of(0)), g.f32(3), zero);
        Var overlap = g.add(a, b);
        Var dense = g.add(a, g.f32(5));
        Graph after = Optimizer.optimize(g.build(overlap, dense));
        assertTrue(after.equations().stream().noneMatch(e -> e.primitive() instanceof Concatenate), after.toString());
    }

    @Test
    void anInnerSumReadTwiceStaysASumOfItsOwn() {
        G g = new G();
        Var zero = zero(g);
        Var p0 = padRow(g, g.f32(1, 2), zero, 0, 3);
        Var p1 = padRow(g, g.f32(1, 2), zero, 1, 3);
        Var p2 = padRow(g, g.f32(1, 2), zero, 2, 3);
        Var inner = g.add(p0, p1);
        Var outer = g.add(inner, p2);
        Graph before = g.build(outer, inner);
        Graph after = Optimizer.optimize(before);
        // The inner sum is a root of its own (it is an output), so the outer add keeps it as a dense term.
        assertEquals(1, after.equations().stream().filter(e -> e.primitive() instanceof Concatenate).count(), after.toString());
        assertInstanceOf(Concatenate.class, after.equations().stream().filter(e -> e.out() == after.outputs().get(1))
                .findFirst().orElseThrow().primitive());
        assertSameResults(before, after);
    }

    private static void assertSameResults(Graph original, Graph optimised) {
        List<ArrayData> in = RandomPrograms.randomInputs(original, new Random(3));
        ArrayCompare.assertClose(Interpreter.run(original, in), Interpreter.run(optimised, in), 0, 0, "optimised graph");
    }
}
