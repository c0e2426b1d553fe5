package dev.kiln.privacy.accountant;

/**
 * How an RDP guarantee {@code (alpha, rdp)} becomes an (epsilon, delta) guarantee. The accountant
 * evaluates it at every order and keeps the smallest epsilon.
 */
public enum Conversion {
    /**
     * Balle et al. 2020, "Hypothesis testing interpretations and Rényi differential privacy",
     * Theorem 21: {@code eps = rdp - (log(delta) + log(alpha)) / (alpha - 1) + log((alpha - 1) / alpha)}.
     * What Opacus' {@code get_privacy_spent} and TF Privacy (since 2020-12) use; the default.
     */
    BALLE_2020 {
        @Override
        public double epsilon(double alpha, double rdp, double delta) {
            return rdp - (Math.log(delta) + Math.log(alpha)) / (alpha - 1.0) + Math.log1p(-1.0 / alpha);
        }
    },
    /**
     * Mironov 2017, "Rényi differential privacy", Proposition 3:
     * {@code eps = rdp + log(1/delta) / (alpha - 1)}. What TF Privacy used before 2020-12 (and what
     * its older tutorials' figures were computed with). Never tighter than {@link #BALLE_2020}.
     */
    CLASSIC {
        @Override
        public double epsilon(double alpha, double rdp, double delta) {
            return rdp - Math.log(delta) / (alpha - 1.0);
        }
    };

    /** The epsilon certified at order {@code alpha} by an RDP value {@code rdp}; may be negative or NaN. */
    public abstract double epsilon(double alpha, double rdp, double delta);
}
