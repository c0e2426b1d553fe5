package dev.kiln.codegen.jvm;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.ScatterAdd;
import dev.kiln.ir.prim.UnaryOp;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * scatter_add may update its operand in place, but not when the operand is also the updates it
 * reads while writing (found by the random-program property, seed -7719912).
 */
class ScatterInPlaceTest {
    @Test
    void scatterWhoseUpdatesAreItsOperandIsNotDoneInPlace() {
        G g = new G();
        Var c = g.f32(1, 4, 2);
        Var idx = g.in(DType.I32, 1, 4, 2);
        Var d = g.un(UnaryOp.NEG, c);
        Graph graph = g.build(g.eq(new ScatterAdd(2), d, idx, d));
        ArrayData x = ArrayData.of(new float[] {0.5f, -1, 2, 0.25f, 0.75f, 1.5f, -0.5f, 3}, 1, 4, 2);
        // Every element gathers from a duplicate index, so in-place reads would see updated values.
        ArrayData i = ArrayData.of(new int[] {0, 1, 1, 0, 1, 0, 0, 1}, 1, 4, 2);
        JvmCrossCheck.check(graph, List.of(x, i), "scatter_add d idx d");
    }
}
