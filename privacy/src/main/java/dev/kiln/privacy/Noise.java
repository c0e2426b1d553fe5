package dev.kiln.privacy;

import dev.kiln.ir.KilnException;
import dev.kiln.tracer.Random;
import dev.kiln.tracer.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The Gaussian mechanism of DP-SGD: independent normal noise on every coordinate of a pytree,
 * from Kiln's counter-based random numbers. The key is an ordinary input ({@code i32[2]}), split
 * into one key per leaf, so the same key gives the same noise eagerly, under jit and after a
 * restart, and the noise is generated where the step runs (no host-to-device copy of a noise
 * array). Traced functions: call them inside a jitted step.
 *
 * <p>The samples come from {@link Random#normal} (in f32 the inverse normal CDF of one 24-bit
 * uniform word per coordinate: 2^24 equally likely quantiles, out to 5.42 standard deviations). Like every floating-point sampler it is not a perfect
 * Gaussian at the bit level (Mironov 2012 showed such artefacts can leak for Laplace noise); the
 * secure mode of {@link RandomSource} makes the key unpredictable, not the sampler perfect.
 */
public final class Noise {
    private Noise() {
    }

    /** Normal noise of standard deviation {@code std}, shaped and typed like the leaves of {@code like}. */
    public static <P> P gaussian(Tensor key, P like, double std) {
        checkStd(std);
        List<Tensor> leaves = Trees.leaves(like);
        List<Tensor> keys = leafKeys(key, leaves.size());
        List<Tensor> out = new ArrayList<>(leaves.size());
        for (int i = 0; i < leaves.size(); i++) {
            Tensor t = leaves.get(i);
            out.add(Random.normal(keys.get(i), t.dims(), t.dtype()).mul(std));
        }
        return Trees.withLeaves(like, out);
    }

    /** {@code tree + N(0, std^2)} leaf by leaf; {@code tree} itself when {@code std} is 0. */
    public static <P> P addGaussian(P tree, Tensor key, double std) {
        checkStd(std);
        if (std == 0) {
            return tree;
        }
        return Trees.add(tree, gaussian(key, tree, std));
    }

    /** One key per leaf: key {@code i} of {@code split(key, n)}. */
    private static List<Tensor> leafKeys(Tensor key, int n) {
        if (n == 0) {
            return List.of();
        }
        return Random.splitList(key, n);
    }

    private static void checkStd(double std) {
        if (!(std >= 0) || Double.isInfinite(std)) {
            throw new KilnException("Noise", "the noise standard deviation must be finite and >= 0, got " + std);
        }
    }
}
