package dev.kiln.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ArrayCompareTest {
    private static final ArrayData EXPECTED = ArrayData.of(new double[] {1, -4, 0.5, 0}, 2, 2);

    @Test
    void differencesAreAbsoluteScaledAndElementwise() {
        ArrayData actual = ArrayData.of(new double[] {1.1, -4, 0.5, 0.01}, 2, 2);
        assertEquals(0.1, ArrayCompare.maxAbsDiff(EXPECTED, actual), 1e-12);
        assertEquals(0.1 / 4, ArrayCompare.maxRelDiff(EXPECTED, actual), 1e-12);
        // 0.01 against an expected 0 is infinitely wrong elementwise.
        assertEquals(Double.POSITIVE_INFINITY, ArrayCompare.maxElementwiseRelDiff(EXPECTED, actual));
        assertEquals(0.0, ArrayCompare.maxElementwiseRelDiff(EXPECTED, EXPECTED));
        assertEquals(4.0, ArrayCompare.maxAbs(EXPECTED));
    }

    @Test
    void nanMatchesNaNAndInfinitiesMustMatchExactly() {
        ArrayData e = ArrayData.of(new float[] {Float.NaN, Float.POSITIVE_INFINITY}, 2);
        assertEquals(0.0, ArrayCompare.maxAbsDiff(e, e.copy()));
        ArrayCompare.assertClose(e, e.copy(), 0, 0, "same");
        ArrayData a = ArrayData.of(new float[] {1, Float.POSITIVE_INFINITY}, 2);
        assertEquals(Double.POSITIVE_INFINITY, ArrayCompare.maxAbsDiff(e, a));
        ArrayData finite = ArrayData.of(new float[] {Float.NaN, 1e30f}, 2);
        // rtol * |inf| is infinite, yet a finite value is not close to infinity.
        assertFalse(ArrayCompare.allClose(e, finite, 0.5, 0));
    }

    @Test
    void assertClosePassesWithinToleranceAcrossDtypes() {
        ArrayData f32 = ArrayData.of(new float[] {1.0000001f, -4f, 0.5f, 0f}, 2, 2);
        ArrayCompare.assertClose(EXPECTED, f32, 1e-6, 0, "f32 against f64");
        assertTrue(ArrayCompare.allClose(EXPECTED, f32, 1e-6, 0));
        ArrayCompare.assertClose(List.of(EXPECTED), List.of(f32), 1e-6, 0, "lists");
    }

    @Test
    void failureNamesTheFirstAndWorstMismatchAndTheTypes() {
        ArrayData actual = ArrayData.of(new double[] {1, -4.01, 0.5, 1}, 2, 2);
        AssertionError e = assertThrows(AssertionError.class,
                () -> ArrayCompare.assertClose(EXPECTED, actual, 1e-3, 1e-6, "layer output"));
        String m = e.getMessage();
        assertTrue(m.startsWith("layer output: 2 of 4 elements"), m);
        assertTrue(m.contains("first at [0, 1] (flat 1): expected -4.0, actual -4.01"), m);
        assertTrue(m.contains("worst at [1, 1] (flat 3): expected 0.0, actual 1.0"), m);
        assertTrue(m.contains("f64[2,2]"), m);
    }

    @Test
    void shapeMismatchFails() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> ArrayCompare.assertClose(EXPECTED, ArrayData.of(new double[] {1, -4, 0.5, 0}, 4), 1, 1, "x"));
        assertTrue(e.getMessage().contains("shapes differ: expected f64[2,2], actual f64[4]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ArrayCompare.maxAbsDiff(EXPECTED, ArrayData.of(new double[] {1}, 1)));
    }

    @Test
    void closenessToScaleIgnoresRelativeErrorOfTinyEntries() {
        ArrayData e = ArrayData.of(new double[] {100, 1e-9}, 2);
        ArrayData a = ArrayData.of(new double[] {100, 2e-9}, 2);
        ArrayCompare.assertCloseToScale(e, a, 1e-6, "gradient");
        assertThrows(AssertionError.class, () -> ArrayCompare.assertClose(e, a, 1e-6, 0, "gradient"));
        assertThrows(AssertionError.class,
                () -> ArrayCompare.assertCloseToScale(e, ArrayData.of(new double[] {100.01, 0}, 2), 1e-6, "gradient"));
    }
}
