package dev.kiln.autodiff;

import static dev.kiln.autodiff.GradCheck.checkPrimitive;
import static dev.kiln.autodiff.GradCheck.dims;
import static dev.kiln.autodiff.GradCheck.normal;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Ints;
import dev.kiln.ir.interp.Interpreter;
import dev.kiln.ir.prim.ReduceMax;
import dev.kiln.ir.prim.ReduceSum;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** VJPs of reduce_sum and reduce_max in f64 against finite differences; reduce_max ties split evenly. */
class ReductionVjpProperties {

    @Property(tries = 40)
    void reduceSumVjpBroadcastsBack(@ForAll long seed) {
        Random r = new Random(seed);
        int[] in = dims(r, 1 + r.nextInt(4), 1, 4);
        checkPrimitive(new ReduceSum(axes(r, in.length)), List.of(normal(r, in)), new boolean[] {true}, r);
    }

    @Property(tries = 40)
    void reduceMaxVjpGoesToTheMaximum(@ForAll long seed) {
        Random r = new Random(seed);
        int[] in = dims(r, 1 + r.nextInt(4), 1, 4);
        checkPrimitive(new ReduceMax(axes(r, in.length)), List.of(GradCheck.distinct(r, 0.01, in)),
                new boolean[] {true}, r);
    }

    @Example
    void reduceMaxTiesShareTheCotangentEvenly() {
        // Rows: one maximum; a three-way tie; a two-way tie.
        ArrayData x = ArrayData.of(new double[] {1, 5, 2, 3, 3, 3, 7, 0, 7}, 3, 3);
        ArrayData ct = ArrayData.of(new double[] {6, 6, 6}, 3);
        var g = Vjp.graph(GradCheck.single(new ReduceMax(Ints.of(1)), List.of(x)), new boolean[] {true});
        ArrayData dx = Interpreter.run(g, List.of(x, ct)).get(1);
        assertArrayEquals(new double[] {0, 6, 0, 2, 2, 2, 3, 0, 3}, dx.toDoubleArray(), 0);
    }

    /** A random non-empty sorted subset of the axes. */
    static Ints axes(Random r, int rank) {
        int[] a = IntStream.range(0, rank).filter(i -> r.nextBoolean()).toArray();
        return a.length == 0 ? Ints.of(r.nextInt(rank)) : Ints.of(a);
    }
}
