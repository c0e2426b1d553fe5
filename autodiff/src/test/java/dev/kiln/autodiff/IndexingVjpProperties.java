package dev.kiln.autodiff;

import static dev.kiln.autodiff.GradCheck.checkPrimitive;
import static dev.kiln.autodiff.GradCheck.dims;
import static dev.kiln.autodiff.GradCheck.normal;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.prim.Gather;
import dev.kiln.ir.prim.ScatterAdd;
import dev.kiln.ir.prim.ShapeRules;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** VJPs of gather and scatter_add (with batch dimensions and repeated indices) against finite differences. */
class IndexingVjpProperties {

    /** Operand {@code [B.., V, R..]} and indices {@code [B.., I..]} with values in {@code [0, V)}. */
    record Lookup(ArrayData operand, ArrayData indices, int batchDims) {
        static Lookup random(Random r) {
            int nb = r.nextInt(3);
            int[] batch = dims(r, nb, 1, 3);
            int v = 1 + r.nextInt(4);
            int[] rest = dims(r, r.nextInt(3), 1, 3);
            int[] idx = dims(r, r.nextInt(3), 1, 4);
            int[] operand = concat(batch, new int[] {v}, rest);
            return new Lookup(normal(r, operand), GradCheck.indices(r, v, concat(batch, idx)), nb);
        }
    }

    @Property(tries = 50)
    void gatherVjpScattersTheCotangentBack(@ForAll long seed) {
        Random r = new Random(seed);
        Lookup l = Lookup.random(r);
        checkPrimitive(new Gather(l.batchDims()), List.of(l.operand(), l.indices()), new boolean[] {true, false}, r);
    }

    @Property(tries = 50)
    void scatterAddVjpPassesTheOperandAndGathersTheUpdates(@ForAll long seed) {
        Random r = new Random(seed);
        Lookup l = Lookup.random(r);
        var updatesType = ShapeRules.infer(new Gather(l.batchDims()), List.of(l.operand().type(), l.indices().type()));
        ArrayData updates = normal(r, updatesType.shape().toArray());
        boolean[] wrt = {r.nextInt(3) > 0, false, true};
        checkPrimitive(new ScatterAdd(l.batchDims()), List.of(l.operand(), l.indices(), updates), wrt, r);
    }

    static int[] concat(int[]... parts) {
        return java.util.Arrays.stream(parts).flatMapToInt(java.util.Arrays::stream).toArray();
    }
}
