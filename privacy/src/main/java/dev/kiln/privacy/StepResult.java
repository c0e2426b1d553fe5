package dev.kiln.privacy;

/** The outcome of one training step: the new parameters and optimiser state, and the step's statistics. */
public record StepResult<P, S>(TrainState<P, S> state, StepStats stats) {
    public P params() {
        return state.params();
    }

    public S optState() {
        return state.optState();
    }
}
