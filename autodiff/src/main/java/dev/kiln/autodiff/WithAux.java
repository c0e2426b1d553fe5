package dev.kiln.autodiff;

import dev.kiln.tracer.Tensor;

/**
 * What a loss function differentiated with {@code hasAux} returns: the scalar loss, and any
 * pytree of auxiliary values (metrics, predictions, new state) passed through undifferentiated.
 */
public record WithAux<A>(Tensor loss, A aux) {
}
