package dev.kiln.privacy;

/**
 * What a training step carries from one step to the next: the model parameters and the
 * optimiser's state, both pytrees (records of tensors), so a step is a pure function
 * {@code (state, batch, key) -> state'} that jits as a whole.
 */
public record TrainState<P, S>(P params, S optState) {
}
