package dev.kiln.privacy.accountant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import org.junit.jupiter.api.Test;

class ErrorFunctionTest {
    private static final MathContext MC = new MathContext(80);
    private static final BigDecimal PI = new BigDecimal(
            "3.14159265358979323846264338327950288419716939937510582097494459230781640628620899");

    /** erfc(x) = 1 - (2/sqrt(pi)) sum_n (-1)^n x^(2n+1) / (n! (2n+1)), in 80-digit decimal arithmetic. */
    private static double erfcReference(double x) {
        BigDecimal bx = new BigDecimal(x);
        BigDecimal x2 = bx.multiply(bx, MC);
        BigDecimal power = bx; // (-1)^n x^(2n+1) / n!
        BigDecimal sum = BigDecimal.ZERO;
        for (int n = 0; n < 2000; n++) {
            BigDecimal term = power.divide(BigDecimal.valueOf(2L * n + 1), MC);
            sum = sum.add(term, MC);
            if (n > x * x + 10 && term.abs().compareTo(new BigDecimal("1e-60")) < 0) {
                break;
            }
            power = power.multiply(x2, MC).divide(BigDecimal.valueOf(-(n + 1L)), MC);
        }
        BigDecimal erf = sum.multiply(BigDecimal.TWO, MC).divide(PI.sqrt(MC), MC);
        return BigDecimal.ONE.subtract(erf, MC).doubleValue();
    }

    @Test
    void erfcMatchesAnEightyDigitTaylorSeriesFromMinusFourToSeven() {
        for (double x = -4; x <= 7; x += 0.0625) {
            double expected = erfcReference(x);
            assertEquals(expected, ErrorFunction.erfc(x), 2e-13 * expected, "erfc(" + x + ")");
            assertEquals(Math.log(expected), ErrorFunction.logErfc(x),
                    2e-13 * Math.max(1, Math.abs(Math.log(expected))), "logErfc(" + x + ")");
        }
    }

    @Test
    void erfcIsAccurateOnBothSidesOfTheSeriesToFractionSwitch() {
        for (double x : new double[] {Math.nextDown(1.0), 1.0, Math.nextUp(1.0), 0.999, 1.001}) {
            double expected = erfcReference(x);
            assertEquals(expected, ErrorFunction.erfc(x), 1e-14 * expected, "erfc(" + x + ")");
        }
    }

    @Test
    void logErfcFollowsTheAsymptoticSeriesFarBeyondUnderflow() {
        // log erfc(x) = -x^2 - log(x sqrt(pi)) + log(sum_n (-1)^n (2n-1)!! / (2x^2)^n), 30 terms
        for (double x : new double[] {12, 30, 100, 1e3, 1e5, 1e8}) {
            double u = 1 / (2 * x * x);
            double tail = 0;
            double term = 1;
            for (int n = 0; n < 30; n++) {
                tail += term;
                term *= -(2 * n + 1) * u;
            }
            double expected = -x * x - Math.log(x * Math.sqrt(Math.PI)) + Math.log(tail);
            assertEquals(expected, ErrorFunction.logErfc(x), 1e-14 * Math.abs(expected), "logErfc(" + x + ")");
        }
        assertEquals(0.0, ErrorFunction.erfc(30), "erfc itself underflows at 30");
        assertTrue(Double.isFinite(ErrorFunction.logErfc(30)));
    }

    @Test
    void erfcHasItsExactValuesAndLimits() {
        assertEquals(1.0, ErrorFunction.erfc(0.0));
        assertEquals(2.0, ErrorFunction.erfc(Double.NEGATIVE_INFINITY));
        assertEquals(0.0, ErrorFunction.erfc(Double.POSITIVE_INFINITY));
        assertEquals(Math.log(2.0), ErrorFunction.logErfc(-40.0));
        assertEquals(Double.NEGATIVE_INFINITY, ErrorFunction.logErfc(Double.POSITIVE_INFINITY));
        assertTrue(Double.isNaN(ErrorFunction.erfc(Double.NaN)));
    }

    @Test
    void logErfcOfHugeAndInfiniteArgumentsIsFinitelyNegativeOrMinusInfinity() {
        // A vanishing noise multiplier sends the accountant's arguments to 1e9 and beyond.
        double x = 1e9;
        double expected = -x * x - Math.log(x * Math.sqrt(Math.PI));
        assertEquals(expected, ErrorFunction.logErfc(x), 1e-12 * Math.abs(expected));
        assertEquals(Double.NEGATIVE_INFINITY, ErrorFunction.logErfc(Double.POSITIVE_INFINITY));
        assertTrue(RdpAccountant.epsilon(1e-9, 0.01, 100, 1e-5).epsilon() > 1e15);
    }
}
