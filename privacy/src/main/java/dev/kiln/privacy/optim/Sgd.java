package dev.kiln.privacy.optim;

import dev.kiln.privacy.TrainState;
import dev.kiln.privacy.Trees;

/**
 * Plain stochastic gradient descent, PyTorch's {@code SGD(lr, weight_decay)} without momentum:
 * {@code g = grad + weight_decay * p; p = p - lr * g}. It has no state.
 */
public record Sgd<P>(double lr, double weightDecay) implements Optimizer<P, Sgd.State> {
    /** SGD has no state; an empty record keeps the step's signature uniform. */
    public record State() {
    }

    public Sgd {
        Hyper.learningRate("sgd", lr);
        Hyper.weightDecay("sgd", weightDecay);
    }

    public static <P> Sgd<P> of(double lr) {
        return new Sgd<>(lr, 0);
    }

    @Override
    public String name() {
        return "sgd";
    }

    @Override
    public State init(P params) {
        return new State();
    }

    @Override
    public TrainState<P, State> update(TrainState<P, State> state, P grads) {
        P g = weightDecay == 0 ? grads : Trees.addScaled(grads, weightDecay, state.params());
        return new TrainState<>(Trees.addScaled(state.params(), -lr, g), state.optState());
    }
}
