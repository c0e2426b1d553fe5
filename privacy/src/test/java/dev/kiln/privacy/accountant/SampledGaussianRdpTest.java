package dev.kiln.privacy.accountant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SampledGaussianRdpTest {
    /** (q, sigma) pairs from tiny to near-1 sampling rates and from very small to very large noise. */
    private static final double[][] MECHANISMS = {
        {1e-7, 0.1}, {1e-5, 0.1}, {1e-4, 1}, {1e-3, 1}, {256.0 / 60000, 1.1}, {0.01, 0.5}, {0.04, 1.5},
        {0.1, 4}, {0.2, 3}, {0.5, 1}, {0.5, 10}, {0.9, 2}, {0.99, 0.1}, {0.999, 100}, {0.01, 10}, {0.1, 100},
    };
    /** Fractional and integer orders, including TF Privacy's test orders 1.01, 20.5, 256 and 256.1. */
    private static final double[] ORDERS = {1.01, 1.1, 1.5, 2, 2.5, 3, 4.5, 8.8, 10.9, 12, 20.5, 32, 63, 256, 256.1};

    @Test
    void rdpMatchesNumericalIntegrationOfTheDefinitionForFractionalAndIntegerOrders() {
        for (double[] m : MECHANISMS) {
            for (double alpha : ORDERS) {
                double expected = RdpByQuadrature.rdp(m[0], m[1], alpha);
                double actual = SampledGaussianRdp.rdp(m[0], m[1], alpha);
                // Far inside the 1% the accountant needs: the two agree to 3.5e-7 at worst (q = 1e-4, alpha = 1.01).
                assertEquals(expected, actual, 1e-5 * expected,
                        "q = " + m[0] + ", sigma = " + m[1] + ", alpha = " + alpha);
            }
        }
    }

    @Test
    void integerOrdersKeepRelativeAccuracyForTinySamplingRates() {
        // log A ~ 1.7e-14 here: summing A rather than A - 1 would leave it at a rounding error.
        for (double alpha : new double[] {2, 3, 12}) {
            double expected = RdpByQuadrature.rdp(1e-7, 1, alpha);
            assertEquals(expected, SampledGaussianRdp.rdp(1e-7, 1, alpha), 1e-9 * expected, "alpha = " + alpha);
        }
    }

    @Test
    void fractionalOrdersAreAccurateToAbsoluteRoundingWhenTheRdpIsTiny() {
        // The documented limit of the two-series expansion: log A is summed with A ~ 1, so an RDP of
        // 1e-14 per step carries an absolute error near 1e-16 (harmless for epsilon), not 1e-10 relative.
        double expected = RdpByQuadrature.rdp(1e-7, 1, 1.5);
        assertEquals(expected, SampledGaussianRdp.rdp(1e-7, 1, 1.5), 2e-15);
    }

    @Test
    void fullBatchIsThePlainGaussianMechanism() {
        for (double alpha : ORDERS) {
            assertEquals(alpha / (2 * 1.3 * 1.3), SampledGaussianRdp.rdp(1.0, 1.3, alpha), 1e-15 * alpha);
        }
        assertEquals(0.1, SampledGaussianRdp.rdp(1.0, 10, 20), 1e-16); // TF Privacy's test_compute_rdp_no_sampling
    }

    @Test
    void zeroSamplingRateSpendsNothing() {
        for (double alpha : ORDERS) {
            assertEquals(0.0, SampledGaussianRdp.rdp(0.0, 10, alpha));
        }
    }

    @Test
    void rdpMatchesTfPrivacyPublishedTestValues() {
        // tensorflow_privacy rdp_accountant_test.py: compute_rdp(0.1, 2, 10, 5) == 0.07737 (5 places)
        assertEquals(0.07737, 10 * SampledGaussianRdp.rdp(0.1, 2, 5), 5e-6);
        // compute_rdp(0.01, 2.5, 50, [1.5, 2.5, 5, 50, 100]) within 1e-5
        double[] orders = {1.5, 2.5, 5, 50, 100};
        double[] expected = {0.00065, 0.001085, 0.00218075, 0.023846, 167.416307};
        for (int k = 0; k < orders.length; k++) {
            assertEquals(expected[k], 50 * SampledGaussianRdp.rdp(0.01, 2.5, orders[k]), 1e-5, "alpha = " + orders[k]);
        }
    }

    @Test
    void rdpIsNonNegativeAndGrowsWithTheOrder() {
        for (double[] m : MECHANISMS) {
            double previous = 0;
            for (double alpha : ORDERS) {
                double rdp = SampledGaussianRdp.rdp(m[0], m[1], alpha);
                assertTrue(rdp >= previous * (1 - 1e-12), "RDP is non-decreasing in alpha at q = " + m[0]
                        + ", sigma = " + m[1] + ", alpha = " + alpha);
                previous = rdp;
            }
        }
    }
}
