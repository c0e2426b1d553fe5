package dev.kiln.ir.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.ArrayCompare;
import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Shape;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.gen.RandomPrograms;
import dev.kiln.ir.interp.Interpreter;
import dev.kiln.ir.prim.DotGeneral;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GemmLayoutTest {

    @Test
    void contiguousDimensionsMergeIntoOneTerm() {
        StridedIndex s = StridedIndex.of(new int[]{4, 3, 5}, new int[]{15, 5, 1});
        assertTrue(s.isLinear());
        assertEquals(1, s.stride());
        StridedIndex t = StridedIndex.of(new int[]{4, 1, 5}, new int[]{1, 7, 20});
        assertEquals(2, t.terms().size());
        for (int x = 0; x < 20; x++) {
            assertEquals((x / 5) + (x % 5) * 20, t.offset(x));
        }
    }

    @Test
    void transposedLhsIsReadThroughStrides() {
        // x^T w with x [k=3, m=4]: A[m,k] = x[k,m] at k*4 + m.
        GemmLayout g = GemmLayout.of(new DotGeneral(Ints.of(0), Ints.of(0), Ints.empty(), Ints.empty()), Shape.of(3, 4), Shape.of(3, 2));
        assertEquals(4, g.m());
        assertEquals(2, g.n());
        assertEquals(3, g.k());
        assertEquals(1, g.lhsRows().stride());
        assertEquals(4, g.lhsDepth().stride());
    }

    @Test
    void randomDotGeneralsMatchTheInterpreterThroughTheLayout() {
        Random rnd = new Random(7);
        int checked = 0;
        for (int trial = 0; trial < 60; trial++) {
            Graph graph = RandomPrograms.generate(new Random(rnd.nextLong()), RandomPrograms.Options.defaults()
                    .only(DotGeneral.class).withFloatType(DType.F64).withMaxEquations(3));
            for (Equation eq : graph.equations()) {
                if (!(eq.primitive() instanceof DotGeneral p)) {
                    continue;
                }
                ArrayData lhs = random(eq.input(0).type(), rnd), rhs = random(eq.input(1).type(), rnd);
                ArrayData expected = Interpreter.evaluate(p, List.of(lhs, rhs));
                ArrayCompare.assertClose(expected, viaLayout(GemmLayout.of(p, lhs.shape(), rhs.shape()), lhs, rhs, expected.type()),
                        1e-12, 1e-12, "dot_general " + p + " " + lhs.type() + " x " + rhs.type());
                checked++;
            }
        }
        assertTrue(checked > 30, "only " + checked + " dot_generals drawn");
    }

    private static ArrayData viaLayout(GemmLayout g, ArrayData lhs, ArrayData rhs, TensorType out) {
        ArrayData c = ArrayData.zeros(out);
        for (int b = 0; b < g.batch(); b++) {
            for (int i = 0; i < g.m(); i++) {
                for (int j = 0; j < g.n(); j++) {
                    double s = 0;
                    for (int kk = 0; kk < g.k(); kk++) {
                        s += lhs.getDouble((int) g.lhsOffset(b, i, kk)) * rhs.getDouble((int) g.rhsOffset(b, kk, j));
                    }
                    c.setDouble((b * g.m() + i) * g.n() + j, s);
                }
            }
        }
        return c;
    }

    static ArrayData random(TensorType t, Random rnd) {
        ArrayData a = ArrayData.zeros(t);
        for (int i = 0; i < a.size(); i++) {
            a.setDouble(i, rnd.nextDouble() * 2 - 1);
        }
        return a;
    }
}
