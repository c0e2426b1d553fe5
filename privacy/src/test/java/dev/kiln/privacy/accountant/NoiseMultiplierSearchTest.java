package dev.kiln.privacy.accountant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.KilnException;
import org.junit.jupiter.api.Test;

class NoiseMultiplierSearchTest {

    @Test
    void foundSigmaMeetsTheTargetAndSlightlyLessNoiseDoesNot() {
        double[][] cases = {{3.0, 256.0 / 60000, 14040}, {1.0, 0.01, 10000}, {8.0, 0.04, 2250}, {0.5, 0.001, 100000}};
        for (double[] c : cases) {
            for (Conversion conversion : Conversion.values()) {
                double sigma = RdpAccountant.noiseMultiplier(c[0], c[1], (long) c[2], 1e-5, conversion);
                double at = RdpAccountant.epsilon(sigma, c[1], (long) c[2], 1e-5, conversion).epsilon();
                double below = RdpAccountant.epsilon(sigma * (1 - 2 * NoiseMultiplierSearch.RELATIVE_TOLERANCE), c[1],
                        (long) c[2], 1e-5, conversion).epsilon();
                assertTrue(at <= c[0], conversion + ": epsilon " + at + " at sigma " + sigma + " exceeds " + c[0]);
                assertTrue(below > c[0], conversion + ": a smaller sigma than " + sigma + " also meets " + c[0]);
            }
        }
    }

    @Test
    void theClassicConversionNeedsMoreNoise() {
        double balle = RdpAccountant.noiseMultiplier(2.0, 0.01, 10000, 1e-5, Conversion.BALLE_2020);
        double classic = RdpAccountant.noiseMultiplier(2.0, 0.01, 10000, 1e-5, Conversion.CLASSIC);
        assertTrue(classic > balle, classic + " <= " + balle);
    }

    @Test
    void searchWorksBelowSigmaOneAndWithCustomOrders() {
        double sigma = NoiseMultiplierSearch.smallestSigma(50, 0.1, 100, 1e-5, RdpOrders.of(1.5, 2, 4, 8, 16, 32),
                Conversion.BALLE_2020);
        assertTrue(sigma < 1, "sigma = " + sigma);
        double eps = RdpAccountant.withOrders(RdpOrders.of(1.5, 2, 4, 8, 16, 32)).steps(sigma, 0.1, 100)
                .spent(1e-5).epsilon();
        assertTrue(eps <= 50 && eps > 49.9, "epsilon = " + eps);
    }

    @Test
    void aTargetBelowWhatInfiniteNoiseCertifiesIsAClearError() {
        // Default orders stop at 63: even zero RDP converts to about 0.10 at delta 1e-5.
        KilnException e = assertThrows(KilnException.class,
                () -> RdpAccountant.noiseMultiplier(0.05, 0.01, 1000, 1e-5));
        assertEquals("accountant", e.operation());
        assertTrue(e.getMessage().contains("target epsilon 0.05 is not reachable"), e.getMessage());
    }

    @Test
    void aTargetNeedingMoreThanTheLargestSigmaIsAClearError() {
        // Just above the zero-RDP floor (order 63): sigma = 1e6 still leaves ~3e-9 of RDP above it.
        double floor = Conversion.BALLE_2020.epsilon(63, 0, 1e-5);
        KilnException e = assertThrows(KilnException.class,
                () -> RdpAccountant.noiseMultiplier(floor + 1e-10, 0.01, 1_000_000, 1e-5));
        assertTrue(e.getMessage().contains("not reached by any noise multiplier up to"), e.getMessage());
    }

    @Test
    void aTargetMetWithAlmostNoNoiseIsAClearError() {
        KilnException e = assertThrows(KilnException.class,
                () -> RdpAccountant.noiseMultiplier(1e9, 1e-6, 1, 1e-5));
        assertTrue(e.getMessage().contains("already met"), e.getMessage());
    }

    @Test
    void zeroStepsOrZeroRateHaveNoSmallestSigma() {
        assertThrows(KilnException.class, () -> RdpAccountant.noiseMultiplier(1.0, 0.01, 0, 1e-5));
        assertThrows(KilnException.class, () -> RdpAccountant.noiseMultiplier(1.0, 0.0, 100, 1e-5));
    }
}
