package dev.kiln.privacy.accountant;

/**
 * An independent f64 reference for the RDP of the sampled Gaussian mechanism, straight from its
 * definition: {@code RDP(alpha) = log(A) / (alpha - 1)} with
 * {@code A = E_{z ~ mu0}[(mu(z) / mu0(z))^alpha]}, {@code mu0 = N(0, sigma^2)},
 * {@code mu = (1 - q) mu0 + q N(1, sigma^2)}, integrated numerically (no series, no erfc).
 *
 * <p>With {@code x = mu1/mu0 - 1 = expm1((2z - 1) / (2 sigma^2))}, {@code E[x] = 0}, so
 * {@code A - 1 = E[(1 + qx)^alpha - 1 - alpha q x]}: the integrand is non-negative (convexity), so
 * tiny RDP values are integrated without cancellation. It is scaled by its maximum over a grid and
 * integrated by adaptive Simpson over panels covering [-40 sigma - 1, alpha + 40 sigma + 1], where
 * all the mass lies (the upper bump of the integrand sits at z = alpha with width sigma).
 */
final class RdpByQuadrature {
    private static final int PANELS = 4000;
    private static final int MAX_DEPTH = 20;

    private final double q;
    private final double sigma;
    private final double alpha;
    private final double logQ;
    private final double log1mQ;
    private double scale;

    private RdpByQuadrature(double q, double sigma, double alpha) {
        this.q = q;
        this.sigma = sigma;
        this.alpha = alpha;
        this.logQ = Math.log(q);
        this.log1mQ = Math.log1p(-q);
    }

    /** RDP of one step, {@code 0 < q < 1}. */
    static double rdp(double q, double sigma, double alpha) {
        return new RdpByQuadrature(q, sigma, alpha).logA() / (alpha - 1);
    }

    private double logA() {
        double a = -40 * sigma - 1;
        double b = alpha + 40 * sigma + 1;
        double h = (b - a) / PANELS;
        scale = Double.NEGATIVE_INFINITY;
        for (int k = 0; k <= 4 * PANELS; k++) {
            scale = Math.max(scale, logIntegrand(a + k * h / 4));
        }
        double roughIntegral = 0; // trapezoid on the panel ends, to set an absolute tolerance
        for (int k = 0; k <= PANELS; k++) {
            roughIntegral += h * f(a + k * h);
        }
        double panelTolerance = 1e-13 * roughIntegral / PANELS;
        double integral = 0;
        for (int k = 0; k < PANELS; k++) {
            double lo = a + k * h;
            double hi = lo + h;
            double flo = f(lo);
            double fmid = f(0.5 * (lo + hi));
            double fhi = f(hi);
            integral += simpson(lo, hi, flo, fmid, fhi, (hi - lo) / 6 * (flo + 4 * fmid + fhi), panelTolerance, 0);
        }
        double logAMinus1 = scale + Math.log(integral);
        return logAMinus1 > 0 ? logAMinus1 + Math.log1p(Math.exp(-logAMinus1)) : Math.log1p(Math.exp(logAMinus1));
    }

    private double simpson(double lo, double hi, double flo, double fmid, double fhi, double whole, double tol,
                           int depth) {
        double mid = 0.5 * (lo + hi);
        double fl = f(0.5 * (lo + mid));
        double fr = f(0.5 * (mid + hi));
        double left = (mid - lo) / 6 * (flo + 4 * fl + fmid);
        double right = (hi - mid) / 6 * (fmid + 4 * fr + fhi);
        double diff = left + right - whole;
        // The log integrand is a difference of terms up to ~1e7 when sigma is small, so values carry
        // ~1e-9 relative noise: ask for that relative accuracy, not more.
        if (depth >= MAX_DEPTH || Math.abs(diff) <= 15 * Math.max(tol, 1e-9 * Math.abs(whole))) {
            return left + right + diff / 15;
        }
        return simpson(lo, mid, flo, fl, fmid, left, tol / 2, depth + 1)
                + simpson(mid, hi, fmid, fr, fhi, right, tol / 2, depth + 1);
    }

    private double f(double z) {
        return Math.exp(logIntegrand(z) - scale);
    }

    /** log of phi_sigma(z) * ((1 + y)^alpha - 1 - alpha y) with y = q expm1((2z - 1) / (2 sigma^2)). */
    private double logIntegrand(double z) {
        double logPhi = -z * z / (2 * sigma * sigma) - Math.log(sigma * Math.sqrt(2 * Math.PI));
        double t = (2 * z - 1) / (2 * sigma * sigma);
        double log1pY = logAdd(log1mQ, logQ + t); // log(1 - q + q e^t)
        double y = q * Math.expm1(t);
        double logG;
        if (Math.abs(y) < 0.05) {
            logG = Math.log(seriesFromSecondTerm(y));
        } else if (alpha * log1pY < 700) {
            logG = Math.log(Math.expm1(alpha * log1pY) - alpha * y);
        } else {
            logG = alpha * log1pY; // 1 + alpha y is below 1e-290 of (1 + y)^alpha here
        }
        return logPhi + logG;
    }

    /** (1 + y)^alpha - 1 - alpha y = sum_{k >= 2} C(alpha, k) y^k for |y| < 1. */
    private double seriesFromSecondTerm(double y) {
        double coefficient = alpha; // C(alpha, 1)
        double power = y;
        double sum = 0;
        for (int k = 2; k < 200; k++) {
            coefficient *= (alpha - k + 1) / k;
            power *= y;
            double term = coefficient * power;
            sum += term;
            if (Math.abs(term) < 1e-18 * Math.abs(sum)) {
                break;
            }
        }
        return sum;
    }

    private static double logAdd(double a, double b) {
        double hi = Math.max(a, b);
        return hi + Math.log1p(Math.exp(Math.min(a, b) - hi));
    }
}
