package dev.kiln.privacy.optim;

import dev.kiln.privacy.TrainState;

/**
 * A gradient-descent update rule as a pure function over pytrees: {@link #init} makes the state
 * (a record of tensors, so it is a pytree too), {@link #update} maps parameters, state and a
 * gradient to new parameters and state. Only tensor operations are used, so an optimiser jits
 * together with the step that calls it; hyperparameters are Java values baked into the trace.
 * The update rules follow PyTorch's {@code torch.optim} (non-foreach, f32 parameters).
 *
 * @param <P> the parameter pytree
 * @param <S> the state pytree (a record)
 */
public interface Optimizer<P, S> {

    /** {@code sgd}, {@code momentum} or {@code adam}: how checkpoints name the rule. */
    String name();

    /** The state before the first step. */
    S init(P params);

    /** One step: new parameters and state from the gradient {@code grads} (same pytree as the parameters). */
    TrainState<P, S> update(TrainState<P, S> state, P grads);

    /** {@code state} at the start of training: the parameters and {@link #init} of them. */
    default TrainState<P, S> start(P params) {
        return new TrainState<>(params, init(params));
    }
}
