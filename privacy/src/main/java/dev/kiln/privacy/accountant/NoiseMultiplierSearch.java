package dev.kiln.privacy.accountant;

import dev.kiln.ir.KilnException;
import java.util.function.DoubleUnaryOperator;

/**
 * Calibrates DP-SGD's noise: the smallest noise multiplier sigma whose epsilon after
 * {@code steps} steps at sampling rate {@code q} is at most a target. Epsilon falls as sigma
 * grows, so the search brackets the answer by doubling or halving sigma from 1, then bisects.
 *
 * <p>Tolerance: the returned sigma always meets the target ({@code epsilon(sigma) <= target}), and
 * the smallest sigma that does lies within a relative {@value #RELATIVE_TOLERANCE} below it. (This
 * is tighter than Opacus' {@code get_noise_multiplier}, which stops once epsilon is within 0.01 of
 * the target, so Opacus' answers are equal or slightly larger.)
 *
 * <p>Errors ({@code KilnException}, operation {@code accountant}): a target no sigma in
 * [{@value #SIGMA_MIN}, {@value #SIGMA_MAX}] reaches, in particular a target at or below the
 * epsilon the conversion gives even for zero RDP (with the default orders and delta = 1e-5 about
 * 0.10: larger orders lower that floor); a target already met at sigma = {@value #SIGMA_MIN}; no
 * privacy spent at all (steps = 0 or q = 0), where every sigma meets any target.
 */
public final class NoiseMultiplierSearch {
    public static final double SIGMA_MIN = 1e-3;
    public static final double SIGMA_MAX = 1e6;
    public static final double RELATIVE_TOLERANCE = 1e-6;

    private NoiseMultiplierSearch() {}

    /**
     * The smallest sigma (to the tolerance above) with {@code epsilon(sigma, q, steps, delta) <= targetEpsilon}
     * at the given orders and conversion.
     */
    public static double smallestSigma(double targetEpsilon, double q, long steps, double delta, RdpOrders orders,
                                       Conversion conversion) {
        Checks.targetEpsilon(targetEpsilon);
        Checks.samplingRate(q);
        Checks.steps(steps);
        Checks.delta(delta);
        if (steps == 0 || q == 0.0) {
            throw new KilnException(Checks.OPERATION, "no privacy is spent with steps = " + steps + " and q = "
                    + q + ": every noise multiplier meets epsilon " + targetEpsilon);
        }
        double floor = RdpAccountant.bestOf(orders, new double[orders.size()], delta, conversion).epsilon();
        if (targetEpsilon <= floor) {
            throw new KilnException(Checks.OPERATION, "target epsilon " + targetEpsilon
                    + " is not reachable: with delta = " + delta + " the " + conversion
                    + " conversion cannot certify less than " + floor + " even with unbounded noise", null,
                    "raise the target epsilon or delta, or add larger RDP orders");
        }
        DoubleUnaryOperator curve = sigma -> epsilon(sigma, q, steps, delta, orders, conversion);
        double[] bracket = bracket(curve, targetEpsilon, q, steps, delta);
        double lo = bracket[0];
        double hi = bracket[1];
        // Invariant: epsilon(lo) > target >= epsilon(hi).
        while (hi - lo > RELATIVE_TOLERANCE * hi) {
            double mid = 0.5 * (lo + hi);
            if (curve.applyAsDouble(mid) <= targetEpsilon) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return hi;
    }

    /** {lo, hi} with epsilon(lo) > target >= epsilon(hi), found by doubling or halving from sigma = 1. */
    private static double[] bracket(DoubleUnaryOperator curve, double target, double q, long steps, double delta) {
        String setting = " (q = " + q + ", steps = " + steps + ", delta = " + delta + ")";
        double hi = 1.0;
        if (curve.applyAsDouble(hi) > target) {
            double lo;
            do {
                lo = hi;
                hi *= 2;
                if (hi > SIGMA_MAX) {
                    throw new KilnException(Checks.OPERATION, "target epsilon " + target
                            + " is not reached by any noise multiplier up to " + SIGMA_MAX + setting, null,
                            "raise the target epsilon or lower q or steps");
                }
            } while (curve.applyAsDouble(hi) > target);
            return new double[] {lo, hi};
        }
        double lo = hi / 2;
        while (curve.applyAsDouble(lo) <= target) {
            if (lo == SIGMA_MIN) {
                throw new KilnException(Checks.OPERATION, "target epsilon " + target
                        + " is already met with noise multiplier " + SIGMA_MIN + setting
                        + "; the search does not go lower", null, "lower the target epsilon");
            }
            hi = lo;
            lo = Math.max(SIGMA_MIN, lo / 2);
        }
        return new double[] {lo, hi};
    }

    private static double epsilon(double sigma, double q, long steps, double delta, RdpOrders orders,
                                  Conversion conversion) {
        return RdpAccountant.withOrders(orders).steps(sigma, q, steps).spent(delta, conversion).epsilon();
    }
}
