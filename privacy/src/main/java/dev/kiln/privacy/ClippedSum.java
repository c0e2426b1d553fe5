package dev.kiln.privacy;

import dev.kiln.tracer.Tensor;

/**
 * The result of {@link Clipping#clipAndSum}: the sum over the real examples of their clipped
 * gradients, and what clipping did to each example.
 *
 * @param sum     {@code sum_b mask_b * clip(g_b)}, the same pytree as the parameters
 * @param norms   {@code [B]} each example's gradient norm over all parameters, before clipping
 * @param clipped {@code [B]} f32: 1 where an example was scaled down (per-layer: any of its tensors), 0
 *                otherwise and on masked rows
 */
public record ClippedSum<P>(P sum, Tensor norms, Tensor clipped) {
}
