package dev.kiln.codegen.jvm.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The tiny-product path of {@link Sgemm} ({@link TinyGemm}) against a naive loop, forced on every layout it takes. */
class TinyGemmTest {
    private static final int L = TinyGemm.L;

    @Property(tries = 300)
    void tinyPathMatchesNaiveLoopOnEveryLayoutItTakes(@ForAll @IntRange(min = 1, max = 40) int m,
                                                     @ForAll @IntRange(min = 1, max = 75) int n,
                                                     @ForAll @IntRange(min = 1, max = 75) int k,
                                                     @ForAll boolean ta, @ForAll boolean tb, @ForAll boolean tc,
                                                     @ForAll boolean accumulate, @ForAll long seed) {
        boolean rows = !tb && !tc && n >= L;
        boolean rowsTransposed = ta && tc && m >= L;
        boolean dots = !ta && tb && k >= L && L >= 8;
        Assume.that(rows || rowsTransposed || dots);
        SgemmTest.check(m, n, k, ta, tb, tc, accumulate, false, Sgemm.Path.TINY, seed);
    }

    @Test
    void logisticRegressionShapesMatchNaiveLoop() {
        // x·Wᵀ (inner products along 104) and the weight gradient dᵀ·x (rows of 104), odd sizes and one row
        for (int m : new int[] {1, 3, 127, 128}) {
            SgemmTest.check(m, 2, 104, false, true, false, false, false, Sgemm.Path.TINY, m);
            SgemmTest.check(m, 1, 2 * L + 1, false, true, false, true, false, Sgemm.Path.TINY, m);
            SgemmTest.check(2, 104, m, true, false, false, false, false, Sgemm.Path.TINY, m);
            SgemmTest.check(1, L + 3, m, true, false, false, true, false, Sgemm.Path.TINY, m);
        }
    }

    @Test
    void exactWidthsAndDepthsNeedNoOverlap() {
        SgemmTest.check(5, 4 * L, 7, false, false, false, true, false, Sgemm.Path.TINY, 1);
        SgemmTest.check(5, 5 * L, 7, false, false, false, true, false, Sgemm.Path.TINY, 2);
        SgemmTest.check(6, 3, 2 * L, false, true, false, true, false, Sgemm.Path.TINY, 3);
    }

    @Test
    void infinitiesInTheOverlappedLanesDoNotLeakIntoTheTail() {
        // depth L + 1: the last vector re-reads lanes 1..L-1, which the blend must drop
        int k = L + 1;
        float[] a = new float[k], b = new float[k], c = new float[1];
        a[1] = Float.POSITIVE_INFINITY;
        b[1] = 0f;
        a[k - 1] = 2f;
        b[k - 1] = 3f;
        Sgemm.gemm(1, 1, k, a, 0, k, 1, b, 0, 1, k, c, 0, 1, 1, false, new float[0], 0, false, Sgemm.Path.TINY);
        // inf * 0 is NaN once (lane 1, the first vector), as a naive loop gives
        assertEquals(Float.NaN, c[0]);
        b[1] = 1f;
        Sgemm.gemm(1, 1, k, a, 0, k, 1, b, 0, 1, k, c, 0, 1, 1, false, new float[0], 0, false, Sgemm.Path.TINY);
        assertEquals(Float.POSITIVE_INFINITY, c[0]);
    }

    @Test
    void layoutsItCannotTakeAreRefusedWhenForced() {
        float[] x = new float[64];
        assertThrows(IllegalArgumentException.class, () -> Sgemm.gemm(2, 2, 2, x, 0, 1, 2, x, 0, 2, 1, x, 0, 1, 2,
                false, new float[0], 0, false, Sgemm.Path.TINY));
    }
}
