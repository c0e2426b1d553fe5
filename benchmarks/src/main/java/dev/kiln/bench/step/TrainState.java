package dev.kiln.bench.step;

import dev.kiln.tracer.Tensor;

/**
 * What a training step carries from one call to the next: the parameters and the random key
 * of the next step's noise. A pytree, so a jitted step takes and returns it whole.
 *
 * @param <P> the model's parameter record
 */
public record TrainState<P extends Record>(P params, Tensor key) {
}
