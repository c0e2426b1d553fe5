package dev.kiln.ir.device;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.ArrayCompare;
import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.gen.RandomPrograms;
import dev.kiln.ir.interp.Interpreter;
import dev.kiln.ir.prim.ConvGeneralDilated;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConvGeometryTest {

    @Test
    void implicitGemmOverRandomConvolutionsMatchesTheInterpreter() {
        Random rnd = new Random(11);
        int checked = 0;
        for (int trial = 0; trial < 80; trial++) {
            Graph graph = RandomPrograms.generate(new Random(rnd.nextLong()), RandomPrograms.Options.defaults()
                    .only(ConvGeneralDilated.class).withFloatType(DType.F64).withMaxEquations(2));
            for (Equation eq : graph.equations()) {
                if (!(eq.primitive() instanceof ConvGeneralDilated c)) {
                    continue;
                }
                ArrayData lhs = GemmLayoutTest.random(eq.input(0).type(), rnd), rhs = GemmLayoutTest.random(eq.input(1).type(), rnd);
                ArrayData expected = Interpreter.evaluate(c, List.of(lhs, rhs));
                ConvGeometry g = ConvGeometry.of(c, lhs.shape(), rhs.shape(), expected.shape());
                ArrayCompare.assertClose(expected, viaGeometry(g, lhs, rhs, expected), 1e-12, 1e-12,
                        "conv " + c + " " + lhs.type() + " * " + rhs.type());
                checked++;
            }
        }
        assertTrue(checked > 30, "only " + checked + " convolutions drawn");
    }

    private static ArrayData viaGeometry(ConvGeometry g, ArrayData lhs, ArrayData rhs, ArrayData like) {
        ArrayData out = ArrayData.zeros(like.type());
        for (int grp = 0; grp < g.groups(); grp++) {
            for (int m = 0; m < g.perGroup(); m++) {
                for (int col = 0; col < g.columns(); col++) {
                    double s = 0;
                    for (int kk = 0; kk < g.depth(); kk++) {
                        long x = g.lhsOffset(grp, kk, col);
                        if (x >= 0) {
                            s += lhs.getDouble((int) x) * rhs.getDouble((int) g.rhsOffset(grp, m, kk));
                        }
                    }
                    out.setDouble((int) g.outOffset(grp, m, col), s);
                }
            }
        }
        return out;
    }
}
