package dev.kiln.privacy;

import dev.kiln.ir.KilnException;
import java.util.Arrays;

/**
 * How DP-SGD bounds each example's gradient.
 *
 * <ul>
 *   <li>{@link Flat}: the gradient over ALL parameter tensors jointly is scaled down to norm at most
 *       C (Opacus' default "flat" clipping, and the golden {@code clipped_sum}). The sensitivity of
 *       the clipped sum is C.
 *   <li>{@link PerLayer}: each parameter tensor {@code l} (a pytree leaf: a weight, a bias) is
 *       clipped to its own bound C_l (Opacus' {@code clipping="per_layer"}). An example's whole
 *       gradient then has norm at most {@code sqrt(sum_l C_l^2)}, and that is the sensitivity the
 *       noise is scaled by, as in Opacus' {@code DPPerLayerOptimizer}. {@link #perLayer(double)}
 *       splits one budget C evenly, {@code C_l = C / sqrt(L)} for L tensors, so the sensitivity
 *       stays C and the noise is the same as flat clipping at C.
 * </ul>
 */
public sealed interface ClipPolicy {

    /** Flat clipping of the joint gradient to norm {@code c}. */
    static ClipPolicy flat(double c) {
        return new Flat(c);
    }

    /** Per-layer clipping with the budget {@code c} split evenly: {@code c / sqrt(L)} per tensor. */
    static ClipPolicy perLayer(double c) {
        return new PerLayer(c, null);
    }

    /** Per-layer clipping with one bound per parameter tensor, in pytree leaf order. */
    static ClipPolicy perLayer(double... bounds) {
        return new PerLayer(Double.NaN, bounds.clone());
    }

    /** The bound of each of {@code layers} parameter tensors. */
    double[] bounds(int layers);

    /** The largest norm one example's clipped gradient can have: what the noise is scaled by. */
    default double sensitivity(int layers) {
        double s = 0;
        for (double b : bounds(layers)) {
            s += b * b;
        }
        return Math.sqrt(s);
    }

    /** Flat clipping to norm {@code c} over all parameters jointly. */
    record Flat(double c) implements ClipPolicy {
        public Flat {
            checkBound("clipping norm C", c);
        }

        @Override
        public double[] bounds(int layers) {
            return new double[] {c};
        }

        @Override
        public double sensitivity(int layers) {
            return c;
        }
    }

    /**
     * Per-tensor clipping: either an even split of {@code total} over the tensors (when
     * {@code perTensor} is null) or the explicit bounds {@code perTensor}.
     */
    record PerLayer(double total, double[] perTensor) implements ClipPolicy {
        public PerLayer {
            if (perTensor == null) {
                checkBound("clipping norm C", total);
            } else {
                if (perTensor.length == 0) {
                    throw new KilnException("DP-SGD", "per-layer clipping needs at least one bound");
                }
                for (int i = 0; i < perTensor.length; i++) {
                    checkBound("per-layer clipping norm C_" + i, perTensor[i]);
                }
            }
        }

        @Override
        public double[] bounds(int layers) {
            if (perTensor == null) {
                double[] b = new double[layers];
                Arrays.fill(b, total / Math.sqrt(layers));
                return b;
            }
            if (perTensor.length != layers) {
                throw new KilnException("DP-SGD", "per-layer clipping was given " + perTensor.length
                        + " bounds but the parameters have " + layers + " tensors", null,
                        "give one bound per parameter tensor, in pytree leaf order, or one total C to split evenly");
            }
            return perTensor.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PerLayer p && Double.compare(total, p.total) == 0 && Arrays.equals(perTensor, p.perTensor);
        }

        @Override
        public int hashCode() {
            return Double.hashCode(total) * 31 + Arrays.hashCode(perTensor);
        }

        @Override
        public String toString() {
            return perTensor == null ? "PerLayer[C=" + total + " split evenly]" : "PerLayer" + Arrays.toString(perTensor);
        }
    }

    private static void checkBound(String what, double c) {
        if (!(c > 0) || Double.isInfinite(c)) {
            throw new KilnException("DP-SGD", what + " must be finite and > 0, got " + c, null,
                    "the clipping norm bounds each example's gradient norm; 1.0 is a common start");
        }
    }
}
