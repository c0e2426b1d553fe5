package dev.kiln.privacy;

import dev.kiln.ir.KilnException;
import dev.kiln.runtime.JitOptions;

/**
 * The privacy settings of a DP-SGD step.
 *
 * @param clipping          how per-example gradients are bounded ({@link ClipPolicy#flat} or per layer)
 * @param noiseMultiplier   sigma: the noise on the clipped sum has standard deviation
 *                          {@code sigma * sensitivity} (the sensitivity is C for flat clipping). 0 turns
 *                          the noise off (clipping only; NOT private) — for tests and ablations
 * @param expectedBatchSize what the noisy sum is divided by. For Poisson sampling this is the
 *                          EXPECTED batch size {@code q * N}, as Opacus does, not the size of the
 *                          draw: dividing by the realised size would make the update's scale depend
 *                          on how many examples were sampled, which the analysis does not cover. For
 *                          fixed-size batches it is the batch size B
 * @param jit               options for the compiled functions (name, backend, fusion)
 */
public record DpSgdConfig(ClipPolicy clipping, double noiseMultiplier, double expectedBatchSize, JitOptions jit) {
    public DpSgdConfig {
        if (clipping == null) {
            throw new KilnException("DP-SGD", "a clipping policy is required");
        }
        if (!(noiseMultiplier >= 0) || Double.isInfinite(noiseMultiplier)) {
            throw new KilnException("DP-SGD", "noise multiplier sigma must be finite and >= 0, got " + noiseMultiplier,
                    null, "sigma is the noise standard deviation divided by the clipping norm; about 1 is typical");
        }
        if (!(expectedBatchSize > 0) || Double.isInfinite(expectedBatchSize)) {
            throw new KilnException("DP-SGD", "expected batch size must be finite and > 0, got " + expectedBatchSize,
                    null, "for Poisson sampling it is q * N; for fixed batches the batch size");
        }
        if (jit == null) {
            jit = JitOptions.defaults();
        }
    }

    /** Flat clipping to {@code clip}, noise multiplier {@code sigma}, normalised by {@code expectedBatchSize}. */
    public static DpSgdConfig of(double clip, double sigma, double expectedBatchSize) {
        return new DpSgdConfig(ClipPolicy.flat(clip), sigma, expectedBatchSize, JitOptions.defaults());
    }

    public DpSgdConfig withClipping(ClipPolicy policy) {
        return new DpSgdConfig(policy, noiseMultiplier, expectedBatchSize, jit);
    }

    public DpSgdConfig withJit(JitOptions options) {
        return new DpSgdConfig(clipping, noiseMultiplier, expectedBatchSize, options);
    }
}
