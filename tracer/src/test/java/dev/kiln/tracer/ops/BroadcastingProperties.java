package dev.kiln.tracer.ops;

import static dev.kiln.tracer.TestData.assertClose;
import static dev.kiln.tracer.TestData.unflat;

import dev.kiln.ir.Shape;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.TestData;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Binary operations on random broadcast-compatible shapes, against NumPy's rule written as index arithmetic. */
class BroadcastingProperties {

    @Property(tries = 100)
    void binaryOpsBroadcastLikeNumpy(@ForAll @IntRange(min = 0, max = 4) int rank,
                                     @ForAll @IntRange(min = 0, max = 15) int dropA,
                                     @ForAll @IntRange(min = 0, max = 15) int dropB,
                                     @ForAll @IntRange(min = 0, max = 4) int trimA,
                                     @ForAll @IntRange(min = 0, max = 4) int trimB,
                                     @ForAll long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            out[i] = 1 + r.nextInt(3);
        }
        // Each operand: a suffix of the output shape with some dimensions set to 1.
        int[] a = operand(out, Math.min(trimA, rank), dropA), b = operand(out, Math.min(trimB, rank), dropB);
        Tensor ta = TestData.randomF32(seed + 1, a), tb = TestData.randomF32(seed + 2, b);
        float[] av = ta.toFloatArray(), bv = tb.toFloatArray();
        int[] res = new int[Math.max(a.length, b.length)];
        for (int i = 0; i < res.length; i++) {
            int da = i - (res.length - a.length), db = i - (res.length - b.length);
            res[i] = Math.max(da >= 0 ? a[da] : 1, db >= 0 ? b[db] : 1);
        }
        int n = Shape.of(res).numel();
        double[] expected = new double[n];
        for (int f = 0; f < n; f++) {
            int[] idx = unflat(res, f);
            expected[f] = (float) (av[at(a, idx)] * (double) bv[at(b, idx)]);
        }
        assertClose(TestData.f32(res), expected, ta.mul(tb), 0);
    }

    private static int[] operand(int[] out, int trim, int dropMask) {
        int[] s = new int[out.length - trim];
        for (int i = 0; i < s.length; i++) {
            s[i] = (dropMask >> i & 1) == 1 ? 1 : out[i + trim];
        }
        return s;
    }

    /** The flat position in an operand of {@code shape} of output index {@code idx} (trailing-aligned, size-1 stretched). */
    private static int at(int[] shape, int[] idx) {
        int off = idx.length - shape.length, f = 0;
        for (int i = 0; i < shape.length; i++) {
            f = f * shape[i] + (shape[i] == 1 ? 0 : idx[off + i]);
        }
        return f;
    }
}
