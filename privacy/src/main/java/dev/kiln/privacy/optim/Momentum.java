package dev.kiln.privacy.optim;

import dev.kiln.ir.DType;
import dev.kiln.ir.KilnException;
import dev.kiln.privacy.TrainState;
import dev.kiln.privacy.Trees;
import dev.kiln.tracer.Tensor;

/**
 * SGD with momentum, PyTorch's {@code SGD(lr, momentum, dampening, weight_decay, nesterov)}:
 * <pre>
 *   g = grad + weight_decay * p
 *   buf = g                                      on the first step
 *   buf = momentum * buf + (1 - dampening) * g   afterwards
 *   g = nesterov ? g + momentum * buf : buf
 *   p = p - lr * g
 * </pre>
 * The state holds {@code buf} and a step counter (for PyTorch's first-step rule, which only differs
 * from a zero-initialised buffer when dampening is not 0).
 */
public record Momentum<P>(double lr, double momentum, double dampening, double weightDecay, boolean nesterov)
        implements Optimizer<P, Momentum.State<P>> {

    /** The velocity buffer (same pytree as the parameters) and the number of steps taken (i32 scalar). */
    public record State<P>(Tensor step, P velocity) {
    }

    public Momentum {
        Hyper.learningRate("momentum", lr);
        Hyper.unitInterval("momentum", "momentum", momentum);
        Hyper.unitInterval("momentum", "dampening", dampening);
        Hyper.weightDecay("momentum", weightDecay);
        if (nesterov && (momentum == 0 || dampening != 0)) {
            throw new KilnException("momentum", "Nesterov momentum needs momentum > 0 and dampening 0 (as PyTorch), got momentum "
                    + momentum + ", dampening " + dampening);
        }
    }

    public static <P> Momentum<P> of(double lr, double momentum) {
        return new Momentum<>(lr, momentum, 0, 0, false);
    }

    @Override
    public String name() {
        return "momentum";
    }

    @Override
    public State<P> init(P params) {
        return new State<>(Tensor.scalar(0, DType.I32), Trees.zerosLike(params));
    }

    @Override
    public TrainState<P, State<P>> update(TrainState<P, State<P>> state, P grads) {
        P params = state.params();
        State<P> s = state.optState();
        P g = weightDecay == 0 ? grads : Trees.addScaled(grads, weightDecay, params);
        P buf = Trees.zip(s.velocity(), g, (b, gi) -> b.mul(momentum).add(gi.mul(1 - dampening)));
        if (dampening != 0) {
            Tensor first = s.step().eq(0.0);
            buf = Trees.zip(buf, g, (b, gi) -> Tensor.where(first, gi, b));
        }
        P direction = nesterov ? Trees.addScaled(g, momentum, buf) : buf;
        return new TrainState<>(Trees.addScaled(params, -lr, direction), new State<>(s.step().add(1.0), buf));
    }
}
