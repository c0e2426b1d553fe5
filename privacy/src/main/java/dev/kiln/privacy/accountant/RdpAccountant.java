package dev.kiln.privacy.accountant;

/**
 * The RDP privacy accountant for DP-SGD: it composes the Rényi DP of every step of the
 * Poisson-subsampled Gaussian mechanism ({@link SampledGaussianRdp}) at a grid of orders
 * ({@link RdpOrders}, Opacus' by default) and converts the total to (epsilon, delta) with the best
 * order ({@link Conversion}, Balle et al. 2020 by default).
 *
 * <p>A value: {@link #step} and {@link #steps} return a new accountant and leave this one as it
 * was, so a training loop writes {@code accountant = accountant.step(sigma, q)}. Each step may use
 * its own noise multiplier and sampling rate; composition adds RDP order by order, so the cost of
 * a step is one array update (the per-step RDP of the last (sigma, q) is kept).
 *
 * <p>Counting steps: an epoch over N examples with expected batch size B is {@code floor(N / B)}
 * steps at {@code q = B / N} (see {@link EpochSchedule}). The analysis assumes each example enters
 * each batch independently with probability q (Poisson sampling).
 *
 * <pre>{@code
 * PrivacySpent p = RdpAccountant.epsilon(1.1, 256.0 / 60000, 60 * (60000 / 256), 1e-5);
 * double sigma = RdpAccountant.noiseMultiplier(3.0, 256.0 / 60000, 14040, 1e-5);
 * }</pre>
 */
public final class RdpAccountant {
    private final RdpOrders orders;
    private final double[] totalRdp;
    private final long stepCount;
    /** Whether any recorded step sampled with q > 0; RDP values alone cannot say (they may round to 0). */
    private final boolean spentAny;
    private final double lastSigma;
    private final double lastQ;
    private final double[] lastStepRdp;

    private RdpAccountant(RdpOrders orders, double[] totalRdp, long stepCount, boolean spentAny, double lastSigma,
                          double lastQ, double[] lastStepRdp) {
        this.orders = orders;
        this.totalRdp = totalRdp;
        this.stepCount = stepCount;
        this.spentAny = spentAny;
        this.lastSigma = lastSigma;
        this.lastQ = lastQ;
        this.lastStepRdp = lastStepRdp;
    }

    /** An accountant with no steps at Opacus' default orders. */
    public static RdpAccountant create() {
        return withOrders(RdpOrders.defaults());
    }

    /** An accountant with no steps at the given orders. */
    public static RdpAccountant withOrders(RdpOrders orders) {
        return new RdpAccountant(orders, new double[orders.size()], 0, false, Double.NaN, Double.NaN, null);
    }

    /** The epsilon after {@code steps} steps at one (sigma, q), default orders. */
    public static PrivacySpent epsilon(double sigma, double q, long steps, double delta) {
        return epsilon(sigma, q, steps, delta, Conversion.BALLE_2020);
    }

    /** The epsilon after {@code steps} steps at one (sigma, q), default orders, the given conversion. */
    public static PrivacySpent epsilon(double sigma, double q, long steps, double delta, Conversion conversion) {
        Checks.delta(delta);
        return create().steps(sigma, q, steps).spent(delta, conversion);
    }

    /**
     * The smallest noise multiplier whose epsilon after {@code steps} steps at rate {@code q} is at
     * most {@code targetEpsilon} (default orders, Balle conversion); see {@link NoiseMultiplierSearch}
     * for the tolerance and the errors.
     */
    public static double noiseMultiplier(double targetEpsilon, double q, long steps, double delta) {
        return noiseMultiplier(targetEpsilon, q, steps, delta, Conversion.BALLE_2020);
    }

    public static double noiseMultiplier(double targetEpsilon, double q, long steps, double delta,
                                         Conversion conversion) {
        return NoiseMultiplierSearch.smallestSigma(targetEpsilon, q, steps, delta, RdpOrders.defaults(), conversion);
    }

    /** This accountant plus one step with noise multiplier {@code sigma} at sampling rate {@code q}. */
    public RdpAccountant step(double sigma, double q) {
        return steps(sigma, q, 1);
    }

    /** This accountant plus {@code n} steps with noise multiplier {@code sigma} at sampling rate {@code q}. */
    public RdpAccountant steps(double sigma, double q, long n) {
        Checks.noiseMultiplier(sigma);
        Checks.samplingRate(q);
        Checks.steps(n);
        if (n == 0) {
            return this;
        }
        double[] perStep = sigma == lastSigma && q == lastQ ? lastStepRdp : perStepRdp(sigma, q);
        double[] total = totalRdp.clone();
        for (int k = 0; k < total.length; k++) {
            total[k] += n * perStep[k];
        }
        return new RdpAccountant(orders, total, Math.addExact(stepCount, n), spentAny || q > 0, sigma, q, perStep);
    }

    /** The (epsilon, delta) spent so far, by the Balle et al. 2020 conversion. */
    public PrivacySpent spent(double delta) {
        return spent(delta, Conversion.BALLE_2020);
    }

    /**
     * The (epsilon, delta) spent so far: the smallest epsilon over the orders (orders whose value is
     * NaN are skipped), clamped at 0 (a negative bound still certifies epsilon = 0). With no privacy
     * spent (no steps, or only q = 0 steps) epsilon is exactly 0 and the best order NaN.
     */
    public PrivacySpent spent(double delta, Conversion conversion) {
        Checks.delta(delta);
        if (!spentAny) {
            return new PrivacySpent(0.0, delta, Double.NaN);
        }
        return bestOf(orders, totalRdp, delta, conversion);
    }

    /** The composed RDP at each of {@link #orders()}, a copy. */
    public double[] rdp() {
        return totalRdp.clone();
    }

    public RdpOrders orders() {
        return orders;
    }

    /** The number of steps recorded. */
    public long stepCount() {
        return stepCount;
    }

    @Override
    public String toString() {
        return "RdpAccountant[steps=" + stepCount + ", orders=" + orders.size() + "]";
    }

    static PrivacySpent bestOf(RdpOrders orders, double[] rdp, double delta, Conversion conversion) {
        double best = Double.POSITIVE_INFINITY;
        double bestOrder = Double.NaN;
        for (int k = 0; k < rdp.length; k++) {
            double alpha = orders.get(k);
            double eps = conversion.epsilon(alpha, rdp[k], delta);
            if (eps < best) { // NaN compares false: skipped, as Opacus' nanargmin does
                best = eps;
                bestOrder = alpha;
            }
        }
        return new PrivacySpent(Math.max(0.0, best), delta, bestOrder);
    }

    private double[] perStepRdp(double sigma, double q) {
        double[] perStep = new double[orders.size()];
        for (int k = 0; k < perStep.length; k++) {
            perStep[k] = SampledGaussianRdp.rdp(q, sigma, orders.get(k));
        }
        return perStep;
    }
}
