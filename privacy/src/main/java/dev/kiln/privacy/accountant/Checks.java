package dev.kiln.privacy.accountant;

import dev.kiln.ir.KilnException;

/** Argument checks shared by the accountant's entry points; each error names the parameter and value. */
final class Checks {
    static final String OPERATION = "accountant";

    private Checks() {}

    static void noiseMultiplier(double sigma) {
        if (!(sigma > 0.0) || Double.isInfinite(sigma)) {
            throw new KilnException(OPERATION, "noise multiplier sigma must be finite and > 0, got " + sigma,
                    null, "sigma is the noise standard deviation divided by the clipping norm");
        }
    }

    static void samplingRate(double q) {
        if (!(q >= 0.0 && q <= 1.0)) {
            throw new KilnException(OPERATION, "sampling rate q must be in [0, 1], got " + q,
                    null, "q is the expected batch size divided by the dataset size, B / N");
        }
    }

    static void steps(long steps) {
        if (steps < 0) {
            throw new KilnException(OPERATION, "steps must be >= 0, got " + steps);
        }
    }

    static void delta(double delta) {
        if (!(delta > 0.0 && delta < 1.0)) {
            throw new KilnException(OPERATION, "delta must be in (0, 1), got " + delta,
                    null, "a common choice is delta < 1 / N for a dataset of N examples");
        }
    }

    static void targetEpsilon(double epsilon) {
        if (!(epsilon > 0.0) || Double.isInfinite(epsilon)) {
            throw new KilnException(OPERATION, "target epsilon must be finite and > 0, got " + epsilon);
        }
    }

    static void order(double alpha) {
        if (!(alpha > 1.0 && alpha <= RdpOrders.MAX_ORDER)) {
            throw new KilnException(OPERATION, "RDP order alpha must be in (1, " + (long) RdpOrders.MAX_ORDER
                    + "], got " + alpha, null, "the default orders are 1.1, 1.2, ..., 10.9, 12, 13, ..., 63");
        }
    }
}
