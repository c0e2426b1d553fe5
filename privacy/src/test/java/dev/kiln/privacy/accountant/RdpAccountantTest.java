package dev.kiln.privacy.accountant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RdpAccountantTest {

    /** Epsilon from RDP values integrated numerically at every default order (no series at all). */
    private static PrivacySpent referenceEpsilon(double sigma, double q, long steps, double delta, Conversion c) {
        RdpOrders orders = RdpOrders.defaults();
        double[] rdp = new double[orders.size()];
        for (int k = 0; k < rdp.length; k++) {
            rdp[k] = steps * RdpByQuadrature.rdp(q, sigma, orders.get(k));
        }
        double best = Double.POSITIVE_INFINITY;
        double bestOrder = Double.NaN;
        for (int k = 0; k < rdp.length; k++) {
            double alpha = orders.get(k);
            double eps = c == Conversion.CLASSIC
                    ? rdp[k] + Math.log(1 / delta) / (alpha - 1)
                    : rdp[k] - (Math.log(delta) + Math.log(alpha)) / (alpha - 1) + Math.log((alpha - 1) / alpha);
            if (eps < best) {
                best = eps;
                bestOrder = alpha;
            }
        }
        return new PrivacySpent(best, delta, bestOrder);
    }

    @Test
    void epsilonMatchesNumericalIntegrationOfTheRdpDefinition() {
        double[][] runs = {{1.1, 256.0 / 60000, 14040, 1e-5}, {1.5, 0.04, 2250, 1e-5}, {0.8, 0.01, 5000, 1e-6}};
        for (double[] r : runs) {
            for (Conversion c : Conversion.values()) {
                PrivacySpent expected = referenceEpsilon(r[0], r[1], (long) r[2], r[3], c);
                PrivacySpent actual = RdpAccountant.epsilon(r[0], r[1], (long) r[2], r[3], c);
                assertEquals(expected.epsilon(), actual.epsilon(), 1e-6 * expected.epsilon(),
                        c + " at sigma = " + r[0]);
                assertEquals(expected.bestOrder(), actual.bestOrder(), c + " at sigma = " + r[0]);
            }
        }
    }

    @Test
    void stepsAddRdpOrderByOrderAcrossChangingNoiseAndRate() {
        RdpOrders orders = RdpOrders.of(1.5, 2, 7.5, 32);
        RdpAccountant accountant = RdpAccountant.withOrders(orders)
                .steps(1.0, 0.01, 300).step(2.0, 0.05).steps(1.0, 0.01, 7);
        double[] rdp = accountant.rdp();
        for (int k = 0; k < orders.size(); k++) {
            double alpha = orders.get(k);
            double expected = 307 * SampledGaussianRdp.rdp(0.01, 1.0, alpha) + SampledGaussianRdp.rdp(0.05, 2.0, alpha);
            assertEquals(expected, rdp[k], 1e-12 * expected, "alpha = " + alpha);
        }
        assertEquals(308, accountant.stepCount());
    }

    @Test
    void stepByStepEqualsOneShot() {
        RdpAccountant accountant = RdpAccountant.create();
        for (int k = 0; k < 500; k++) {
            accountant = accountant.step(0.9, 0.02);
        }
        PrivacySpent oneShot = RdpAccountant.epsilon(0.9, 0.02, 500, 1e-5);
        PrivacySpent stepwise = accountant.spent(1e-5);
        assertEquals(oneShot.epsilon(), stepwise.epsilon(), 1e-12 * oneShot.epsilon());
        assertEquals(oneShot.bestOrder(), stepwise.bestOrder());
    }

    @Test
    void steppingLeavesTheOriginalAccountantUnchanged() {
        RdpAccountant before = RdpAccountant.create().steps(1.0, 0.01, 10);
        double[] rdpBefore = before.rdp();
        RdpAccountant after = before.steps(1.0, 0.01, 1000);
        assertArrayEquals(rdpBefore, before.rdp());
        assertEquals(10, before.stepCount());
        assertEquals(1010, after.stepCount());
        assertTrue(after.spent(1e-5).epsilon() > before.spent(1e-5).epsilon());
        before.rdp()[0] = 1e9; // rdp() hands out a copy
        assertArrayEquals(rdpBefore, before.rdp());
    }

    @Test
    void noStepsOrZeroSamplingRateSpendNothing() {
        PrivacySpent none = RdpAccountant.create().spent(1e-5);
        assertEquals(0.0, none.epsilon());
        assertEquals(1e-5, none.delta());
        assertTrue(Double.isNaN(none.bestOrder()));
        assertEquals(0.0, RdpAccountant.epsilon(1.0, 0.0, 1000, 1e-5).epsilon());
        assertEquals(0.0, RdpAccountant.epsilon(1.0, 0.3, 0, 1e-5).epsilon());
        RdpAccountant same = RdpAccountant.create();
        assertSame(same, same.steps(1.0, 0.1, 0));
    }

    @Test
    void tinyRdpIsNotMistakenForNoPrivacySpent() {
        // Per-step RDP ~1e-17 at sigma = 1e6 may round to 0 at fractional orders; a step was still taken.
        PrivacySpent spent = RdpAccountant.withOrders(RdpOrders.of(1.5, 2.5)).step(1e6, 0.01).spent(1e-5);
        assertEquals(Conversion.BALLE_2020.epsilon(2.5, 0, 1e-5), spent.epsilon(), 1e-9);
        assertEquals(2.5, spent.bestOrder());
    }

    @Test
    void bestOrderIsTheMinimisingOrderOfTheConversion() {
        RdpAccountant accountant = RdpAccountant.create().steps(1.1, 256.0 / 60000, 14040);
        PrivacySpent spent = accountant.spent(1e-5);
        double[] rdp = accountant.rdp();
        RdpOrders orders = accountant.orders();
        for (int k = 0; k < orders.size(); k++) {
            double eps = Conversion.BALLE_2020.epsilon(orders.get(k), rdp[k], 1e-5);
            assertTrue(eps >= spent.epsilon(), "order " + orders.get(k) + " gives a smaller epsilon");
            if (orders.get(k) == spent.bestOrder()) {
                assertEquals(eps, spent.epsilon());
            }
        }
    }

    @Test
    void negativeBoundsAreClampedToZero() {
        // With delta close to 1 the Balle bound at a large order drops below zero for tiny RDP.
        PrivacySpent spent = RdpAccountant.withOrders(RdpOrders.of(63)).steps(1000, 1e-4, 1).spent(0.9);
        assertEquals(0.0, spent.epsilon());
        assertEquals(63.0, spent.bestOrder());
    }

    @Test
    void defaultOrdersAreOpacusGrid() {
        RdpOrders orders = RdpOrders.defaults();
        assertEquals(99 + 52, orders.size());
        assertEquals(1.1, orders.get(0));
        assertEquals(10.9, orders.get(98));
        assertEquals(12.0, orders.get(99));
        assertEquals(63.0, orders.get(orders.size() - 1));
        assertEquals(1 + 3 / 10.0, orders.get(2)); // Python's 1 + x / 10.0, bit for bit
    }

    @Test
    void epochScheduleCountsFloorOfDatasetOverBatchStepsAnEpoch() {
        EpochSchedule schedule = new EpochSchedule(60000, 256, 60);
        assertEquals(60 * 234, schedule.steps());
        assertEquals(256.0 / 60000, schedule.samplingRate());
        PrivacySpent viaSchedule = RdpAccountant.epsilon(1.1, schedule.samplingRate(), schedule.steps(), 1e-5);
        assertEquals(RdpAccountant.epsilon(1.1, 256.0 / 60000, 14040, 1e-5), viaSchedule);
    }
}
