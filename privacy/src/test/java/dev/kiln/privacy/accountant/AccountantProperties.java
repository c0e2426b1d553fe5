package dev.kiln.privacy.accountant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Scale;

/** Monotonicity and inversion properties over DP-SGD-like settings. */
class AccountantProperties {
    private static final double DELTA = 1e-5;
    private static final double SLACK = 1e-12; // relative rounding allowance

    private static double eps(double sigma, double q, long steps) {
        return RdpAccountant.epsilon(sigma, q, steps, DELTA).epsilon();
    }

    @Property(tries = 40)
    void epsilonDecreasesAsNoiseGrows(@ForAll @DoubleRange(min = 0.3, max = 20) double sigma,
                                      @ForAll @DoubleRange(min = 0.001, max = 1.0) @Scale(4) double growth,
                                      @ForAll @DoubleRange(min = -4, max = -0.7) double log10Q,
                                      @ForAll @LongRange(min = 1, max = 100_000) long steps) {
        double q = Math.pow(10, log10Q);
        assertTrue(eps(sigma * (1 + growth), q, steps) <= eps(sigma, q, steps) * (1 + SLACK));
    }

    @Property(tries = 40)
    void epsilonGrowsWithSteps(@ForAll @DoubleRange(min = 0.3, max = 20) double sigma,
                               @ForAll @DoubleRange(min = -4, max = -0.7) double log10Q,
                               @ForAll @LongRange(min = 1, max = 100_000) long steps,
                               @ForAll @LongRange(min = 1, max = 100_000) long more) {
        double q = Math.pow(10, log10Q);
        assertTrue(eps(sigma, q, steps + more) >= eps(sigma, q, steps) * (1 - SLACK));
    }

    @Property(tries = 40)
    void epsilonGrowsWithTheSamplingRate(@ForAll @DoubleRange(min = 0.3, max = 20) double sigma,
                                         @ForAll @DoubleRange(min = -4, max = -0.7) double log10Q,
                                         @ForAll @DoubleRange(min = 0.001, max = 1.0) @Scale(4) double growth,
                                         @ForAll @LongRange(min = 1, max = 100_000) long steps) {
        double q = Math.pow(10, log10Q);
        assertTrue(eps(sigma, Math.min(1.0, q * (1 + growth)), steps) >= eps(sigma, q, steps) * (1 - SLACK));
    }

    @Property(tries = 40)
    void balleConversionIsNeverLooserThanTheClassicOne(@ForAll @DoubleRange(min = 0.3, max = 20) double sigma,
                                                      @ForAll @DoubleRange(min = -4, max = 0) double log10Q,
                                                      @ForAll @LongRange(min = 0, max = 100_000) long steps,
                                                      @ForAll @DoubleRange(min = -12, max = -0.3) double log10Delta) {
        double q = Math.pow(10, log10Q);
        double delta = Math.pow(10, log10Delta);
        RdpAccountant accountant = RdpAccountant.create().steps(sigma, q, steps);
        assertTrue(accountant.spent(delta, Conversion.BALLE_2020).epsilon()
                <= accountant.spent(delta, Conversion.CLASSIC).epsilon());
    }

    @Property(tries = 15)
    void noiseMultiplierInvertsEpsilon(@ForAll @DoubleRange(min = 0.5, max = 5) double sigma,
                                       @ForAll @DoubleRange(min = -3, max = -1) double log10Q,
                                       @ForAll @LongRange(min = 10, max = 50_000) long steps) {
        double q = Math.pow(10, log10Q);
        double target = eps(sigma, q, steps);
        double found = RdpAccountant.noiseMultiplier(target, q, steps, DELTA);
        assertEquals(sigma, found, 1e-5 * sigma, "epsilon " + target);
    }
}
