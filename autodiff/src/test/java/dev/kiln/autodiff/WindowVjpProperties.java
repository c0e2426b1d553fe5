package dev.kiln.autodiff;

import static dev.kiln.autodiff.GradCheck.checkPrimitive;
import static dev.kiln.autodiff.GradCheck.dims;
import static dev.kiln.autodiff.GradCheck.normal;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Ints;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.ReduceWindow;
import dev.kiln.ir.prim.SelectAndScatterAdd;
import dev.kiln.ir.prim.ShapeRules;
import dev.kiln.ir.prim.WindowKind;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * VJPs of pooling in f64 against finite differences: sum and max pooling with strides and
 * padding, and select_and_scatter_add (max pooling's gradient) with respect to its source.
 */
class WindowVjpProperties {

    /** A random pooling over a rank 1-4 operand: window, strides and padding per dimension. */
    record Pool(int[] operand, Ints window, Ints strides, Ints lo, Ints hi) {
        static Pool random(Random r, boolean padBelowWindow) {
            int rank = 1 + r.nextInt(4);
            int[] operand = dims(r, rank, 1, 5);
            int[] w = new int[rank], s = new int[rank], lo = new int[rank], hi = new int[rank];
            for (int i = 0; i < rank; i++) {
                w[i] = 1 + r.nextInt(3);
                s[i] = 1 + r.nextInt(3);
                int maxPad = padBelowWindow ? w[i] - 1 : 2;
                lo[i] = r.nextInt(maxPad + 1);
                hi[i] = r.nextInt(maxPad + 1);
                while (operand[i] + lo[i] + hi[i] < w[i]) {
                    operand[i]++;
                }
            }
            return new Pool(operand, Ints.of(w), Ints.of(s), Ints.of(lo), Ints.of(hi));
        }
    }

    @Property(tries = 50)
    void sumPoolingVjpMatchesFiniteDifferences(@ForAll long seed) {
        Random r = new Random(seed);
        Pool pool = Pool.random(r, false);
        var p = new ReduceWindow(WindowKind.SUM, pool.window(), pool.strides(), pool.lo(), pool.hi());
        checkPrimitive(p, List.of(normal(r, pool.operand())), new boolean[] {true}, r);
    }

    @Property(tries = 50)
    void maxPoolingVjpMatchesFiniteDifferences(@ForAll long seed) {
        Random r = new Random(seed);
        // Padding below the window size: no window lies wholly in the padding.
        Pool pool = Pool.random(r, true);
        var p = new ReduceWindow(WindowKind.MAX, pool.window(), pool.strides(), pool.lo(), pool.hi());
        checkPrimitive(p, List.of(GradCheck.distinct(r, 0.01, pool.operand())), new boolean[] {true}, r);
    }

    @Property(tries = 50)
    void selectAndScatterAddVjpGathersAtTheWindowMaximum(@ForAll long seed) {
        Random r = new Random(seed);
        Pool pool = Pool.random(r, true);
        var p = new SelectAndScatterAdd(pool.window(), pool.strides(), pool.lo(), pool.hi());
        ArrayData operand = GradCheck.distinct(r, 0.01, pool.operand());
        TensorType pooled = ShapeRules.infer(new ReduceWindow(WindowKind.MAX, pool.window(), pool.strides(),
                pool.lo(), pool.hi()), List.of(operand.type()));
        ArrayData source = normal(r, pooled.shape().toArray());
        checkPrimitive(p, List.of(source, operand), new boolean[] {true, false}, r);
    }

    @Property(tries = 20)
    void selectAndScatterAddVjpPicksTheFirstOfTiedMaxima(@ForAll long seed) {
        Random r = new Random(seed);
        Pool pool = Pool.random(r, true);
        var p = new SelectAndScatterAdd(pool.window(), pool.strides(), pool.lo(), pool.hi());
        // Few distinct values: many ties. The operand is not differentiated, and the result is
        // linear in the source, so finite differences stay exact.
        ArrayData operand = GradCheck.indices(r, 2, pool.operand()).convert(dev.kiln.ir.DType.F64);
        TensorType pooled = ShapeRules.infer(new ReduceWindow(WindowKind.MAX, pool.window(), pool.strides(),
                pool.lo(), pool.hi()), List.of(operand.type()));
        ArrayData source = normal(r, pooled.shape().toArray());
        checkPrimitive(p, List.of(source, operand), new boolean[] {true, false}, r);
    }
}
