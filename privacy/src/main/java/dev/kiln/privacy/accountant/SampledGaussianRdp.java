package dev.kiln.privacy.accountant;

import dev.kiln.ir.KilnException;

/**
 * Rényi differential privacy of one step of the Poisson-subsampled Gaussian mechanism (Mironov,
 * Talwar and Zhang 2019, "Rényi Differential Privacy of the Sampled Gaussian Mechanism"): each
 * example joins the batch independently with probability {@code q}, the clipped sum (L2
 * sensitivity 1) gets Gaussian noise of standard deviation {@code sigma}.
 *
 * <p>Its RDP at order {@code alpha} is {@code log(A_alpha) / (alpha - 1)} with
 * {@code A_alpha = E_{z ~ N(0, sigma^2)} [((1 - q) + q exp((2z - 1) / (2 sigma^2)))^alpha]}:
 * <ul>
 *   <li>integer {@code alpha}: the binomial expansion
 *       {@code A = sum_i C(alpha, i) q^i (1-q)^(alpha-i) exp((i^2 - i) / (2 sigma^2))}, summed as
 *       {@code A - 1} so that tiny RDP values keep their relative accuracy;
 *   <li>fractional {@code alpha}: the generalised binomial series split at
 *       {@code z0 = sigma^2 log(1/q - 1) + 1/2} into two series weighted by Gaussian tails
 *       {@code erfc} (section 3.3 of the paper, as TF Privacy's and Opacus' {@code _compute_log_a_frac}).
 * </ul>
 * Everything is summed in log space. The fractional series is alternating past {@code i > alpha}
 * with terms of decreasing size in each half, so stopping once a term falls below {@code e^-36}
 * of the running sum bounds the truncation error by that term. {@code q = 0} is RDP 0 and
 * {@code q = 1} the plain Gaussian mechanism, {@code alpha / (2 sigma^2)}.
 *
 * <p>Accuracy and cost: integer orders keep full relative accuracy. Fractional orders sum A itself
 * (about 1), so log A carries an absolute error near 1e-16 per step: relative accuracy degrades only
 * for per-step RDP below about 1e-12 (q around 1e-6 or less), where it cannot move epsilon. The
 * fractional series decays geometrically for q away from 1/2 (a few dozen terms at DP-SGD rates);
 * near q = 1/2 it decays only polynomially and may need millions of terms (seconds for the default
 * grid at q = 0.5 and sigma of 1e4 or more).
 */
public final class SampledGaussianRdp {
    private static final double LOG_HALF = Math.log(0.5);
    /** Stop the fractional series when both new terms are below e^-36 (2.3e-16) of the sum. */
    private static final double RELATIVE_CUTOFF = 36.0;
    private static final long MAX_SERIES_TERMS = 50_000_000L;

    private SampledGaussianRdp() {}

    /**
     * RDP of one step at order {@code alpha}: {@code q} in [0, 1], {@code sigma > 0},
     * {@code alpha} in (1, {@value RdpOrders#MAX_ORDER}]. Never negative.
     */
    public static double rdp(double q, double sigma, double alpha) {
        Checks.samplingRate(q);
        Checks.noiseMultiplier(sigma);
        Checks.order(alpha);
        if (q == 0.0) {
            return 0.0;
        }
        if (q == 1.0) {
            return alpha / (2.0 * sigma * sigma);
        }
        double logA = alpha == Math.rint(alpha)
                ? logAIntegerOrder(q, sigma, (long) alpha)
                : logAFractionalOrder(q, sigma, alpha);
        // A >= 1 exactly (a Rényi divergence is never negative); rounding may give -1e-17.
        return Math.max(0.0, logA / (alpha - 1.0));
    }

    /**
     * The binomial expansion with the constant 1 taken out exactly: since
     * {@code sum_i C(alpha,i) q^i (1-q)^(alpha-i) = 1}, {@code A - 1 = sum_{i>=2} C(alpha,i) q^i
     * (1-q)^(alpha-i) expm1((i^2 - i) / (2 sigma^2))}, a sum of positive terms. Summing A itself would
     * leave log A at a rounding error of 1e-16 when it is as small as 1e-14 (q = 1e-7).
     */
    static double logAIntegerOrder(double q, double sigma, long alpha) {
        double logQ = Math.log(q);
        double log1mQ = Math.log1p(-q);
        double twoSigmaSquared = 2.0 * sigma * sigma;
        double[] logTerms = new double[(int) alpha - 1];
        double logBinomial = Math.log((double) alpha); // log C(alpha, 1)
        double max = Double.NEGATIVE_INFINITY;
        for (long i = 2; i <= alpha; i++) {
            logBinomial += Math.log((double) (alpha - i + 1)) - Math.log((double) i);
            double di = i;
            double t = logBinomial + di * logQ + (alpha - di) * log1mQ + logExpm1((di * di - di) / twoSigmaSquared);
            logTerms[(int) i - 2] = t;
            max = Math.max(max, t);
        }
        double sum = 0.0;
        for (double t : logTerms) {
            sum += Math.exp(t - max);
        }
        return log1pExp(max + Math.log(sum));
    }

    /** {@code log(exp(x) - 1)} for {@code x > 0}. */
    private static double logExpm1(double x) {
        return x > 1.0 ? x + Math.log1p(-Math.exp(-x)) : Math.log(Math.expm1(x));
    }

    /** {@code log(1 + exp(x))}. */
    private static double log1pExp(double x) {
        return x > 0.0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    }

    static double logAFractionalOrder(double q, double sigma, double alpha) {
        double logQ = Math.log(q);
        double log1mQ = Math.log1p(-q);
        double twoSigmaSquared = 2.0 * sigma * sigma;
        double z0 = sigma * sigma * (log1mQ - logQ) + 0.5;
        double sqrt2Sigma = Math.sqrt(2.0) * sigma;
        // Positive and negative terms are summed apart and subtracted once at the end, so a
        // partial sum that dips below zero in floating point cannot derail the log-space sum.
        double logPositive = Double.NEGATIVE_INFINITY;
        double logNegative = Double.NEGATIVE_INFINITY;
        double logAbsBinomial = 0.0; // log |C(alpha, 0)|
        boolean negative = false;
        for (long n = 0; n <= MAX_SERIES_TERMS; n++) {
            double i = n;
            if (n > 0) {
                double ratio = (alpha - i + 1.0) / i; // C(alpha, i) / C(alpha, i - 1)
                logAbsBinomial += Math.log(Math.abs(ratio));
                negative ^= ratio < 0;
            }
            double j = alpha - i;
            double s0 = logAbsBinomial + i * logQ + j * log1mQ + (i * i - i) / twoSigmaSquared
                    + LOG_HALF + ErrorFunction.logErfc((i - z0) / sqrt2Sigma);
            double s1 = logAbsBinomial + j * logQ + i * log1mQ + (j * j - j) / twoSigmaSquared
                    + LOG_HALF + ErrorFunction.logErfc((z0 - j) / sqrt2Sigma);
            double s = LogSpace.add(s0, s1);
            if (negative) {
                logNegative = LogSpace.add(logNegative, s);
            } else {
                logPositive = LogSpace.add(logPositive, s);
            }
            // Past i > alpha both halves are alternating with shrinking terms (see class doc).
            if (i > alpha && s < logPositive - RELATIVE_CUTOFF) {
                return difference(logPositive, logNegative, q, sigma, alpha);
            }
        }
        throw new KilnException("accountant", "the fractional-order RDP series did not converge in "
                + MAX_SERIES_TERMS + " terms for q = " + q + ", sigma = " + sigma + ", alpha = " + alpha,
                null, "use integer orders for this (q, sigma), or a smaller sampling rate");
    }

    private static double difference(double logPositive, double logNegative, double q, double sigma,
                                     double alpha) {
        double logA = LogSpace.sub(logPositive, logNegative);
        if (Double.isNaN(logA) || logA == Double.NEGATIVE_INFINITY) {
            throw new KilnException("accountant", "the fractional-order RDP series lost all precision for q = "
                    + q + ", sigma = " + sigma + ", alpha = " + alpha);
        }
        return logA;
    }
}
