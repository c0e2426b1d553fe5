package dev.kiln.ir.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.Ints;
import dev.kiln.ir.Var;
import dev.kiln.ir.buffers.CompiledPlan;
import dev.kiln.ir.prim.Transpose;
import dev.kiln.ir.testing.G;
import org.junit.jupiter.api.Test;

class ReductionLoopOrderTest {

    /** x [I=3, B=4, O=5, K=6] read as the per-example view [B, O, I, K] (a per-example weight gradient). */
    private static String perExampleReduction(int... axes) {
        G g = new G();
        Var x = g.f32(3, 4, 5, 6);
        Var view = g.eq(new Transpose(Ints.of(1, 2, 0, 3)), x);
        return CompiledPlan.of(g.build(g.sum(g.mul(view, view), axes)), true, true).program().text();
    }

    @Test
    void perExampleNormOfATransposedViewReadsTheOperandInMemoryOrder() {
        String text = perExampleReduction(1, 2, 3);
        assertTrue(text.contains("for k0 in 0..4 parallel"), text);
        // I (stride 120) outermost, then O and K (strides 6, 1) collapse into one contiguous run.
        assertTrue(text.contains("in 0..3 {"), text);
        assertTrue(text.contains("in 0..30 contiguous"), text);
    }

    @Test
    void reductionOverLeadingAxesAlreadyInMemoryOrderKeepsItsLoops() {
        G g = new G();
        Var x = g.f32(2, 3, 4, 5);
        String text = CompiledPlan.of(g.build(g.sum(x, 0, 2, 3)), true, true).program().text();
        assertTrue(text.contains("for k0 in 0..3 parallel"), text);
        assertTrue(text.contains("in 0..20 contiguous"), text);
    }
}
