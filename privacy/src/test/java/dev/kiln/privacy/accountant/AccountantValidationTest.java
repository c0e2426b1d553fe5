package dev.kiln.privacy.accountant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.KilnException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class AccountantValidationTest {

    private static void assertRejected(Executable call, String... fragments) {
        KilnException e = assertThrows(KilnException.class, call);
        assertEquals("accountant", e.operation());
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' lacks '" + fragment + "'");
        }
    }

    @Test
    void noiseMultiplierMustBeFiniteAndPositive() {
        assertRejected(() -> RdpAccountant.epsilon(0.0, 0.01, 10, 1e-5), "noise multiplier sigma", "got 0.0");
        assertRejected(() -> RdpAccountant.epsilon(-1.5, 0.01, 10, 1e-5), "noise multiplier sigma", "got -1.5");
        assertRejected(() -> RdpAccountant.create().step(Double.NaN, 0.01), "noise multiplier sigma", "got NaN");
        assertRejected(() -> RdpAccountant.create().step(Double.POSITIVE_INFINITY, 0.01), "got Infinity");
    }

    @Test
    void samplingRateMustLieInTheUnitInterval() {
        assertRejected(() -> RdpAccountant.epsilon(1.0, 1.5, 10, 1e-5), "sampling rate q", "got 1.5");
        assertRejected(() -> RdpAccountant.epsilon(1.0, -0.1, 10, 1e-5), "sampling rate q", "got -0.1");
        assertRejected(() -> SampledGaussianRdp.rdp(Double.NaN, 1.0, 2), "sampling rate q", "got NaN");
    }

    @Test
    void stepsMustNotBeNegative() {
        assertRejected(() -> RdpAccountant.epsilon(1.0, 0.01, -3, 1e-5), "steps", "got -3");
        assertRejected(() -> RdpAccountant.create().steps(1.0, 0.01, -1), "steps", "got -1");
    }

    @Test
    void deltaMustLieStrictlyBetweenZeroAndOne() {
        assertRejected(() -> RdpAccountant.epsilon(1.0, 0.01, 10, 0.0), "delta", "got 0.0");
        assertRejected(() -> RdpAccountant.epsilon(1.0, 0.01, 10, 1.0), "delta", "got 1.0");
        assertRejected(() -> RdpAccountant.create().spent(-1e-5), "delta", "got -1.0E-5");
        assertRejected(() -> RdpAccountant.noiseMultiplier(1.0, 0.01, 10, 2.0), "delta", "got 2.0");
    }

    @Test
    void targetEpsilonMustBeFiniteAndPositive() {
        assertRejected(() -> RdpAccountant.noiseMultiplier(0.0, 0.01, 10, 1e-5), "target epsilon", "got 0.0");
        assertRejected(() -> RdpAccountant.noiseMultiplier(-2.0, 0.01, 10, 1e-5), "target epsilon", "got -2.0");
        assertRejected(() -> RdpAccountant.noiseMultiplier(Double.NaN, 0.01, 10, 1e-5), "target epsilon", "got NaN");
    }

    @Test
    void ordersMustExceedOneAndBeBounded() {
        assertRejected(() -> RdpOrders.of(1.0, 2.0), "RDP order alpha", "got 1.0");
        assertRejected(() -> RdpOrders.of(0.5), "got 0.5");
        assertRejected(() -> RdpOrders.of(Double.POSITIVE_INFINITY), "got Infinity");
        assertRejected(() -> RdpOrders.of(Double.NaN), "got NaN");
        assertRejected(RdpOrders::of, "empty");
        assertRejected(() -> SampledGaussianRdp.rdp(0.1, 1.0, 1.0), "RDP order alpha", "got 1.0");
    }

    @Test
    void epochScheduleNeedsABatchNoLargerThanTheDataset() {
        assertRejected(() -> new EpochSchedule(100, 200, 1), "B = 200", "N = 100");
        assertRejected(() -> new EpochSchedule(100, 0, 1), "B = 0");
        assertRejected(() -> new EpochSchedule(100, 10, -1), "epochs", "got -1");
    }
}
