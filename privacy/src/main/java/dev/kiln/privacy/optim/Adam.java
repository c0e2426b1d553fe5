package dev.kiln.privacy.optim;

import dev.kiln.ir.DType;
import dev.kiln.ir.KilnException;
import dev.kiln.privacy.TrainState;
import dev.kiln.privacy.Trees;
import dev.kiln.tracer.Tensor;

/**
 * Adam, PyTorch's {@code Adam(lr, betas, eps, weight_decay)} (not AMSGrad; weight decay is the
 * L2 term added to the gradient, not AdamW's decoupled decay):
 * <pre>
 *   t = t + 1
 *   g = grad + weight_decay * p
 *   m = beta1 * m + (1 - beta1) * g
 *   v = beta2 * v + (1 - beta2) * g * g
 *   p = p - (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 * The bias corrections are computed in f64, as PyTorch computes them in Python floats: in f32,
 * {@code 1 - 0.999} alone is off by 1.3e-5 relative.
 */
public record Adam<P>(double lr, double beta1, double beta2, double eps, double weightDecay)
        implements Optimizer<P, Adam.State<P>> {

    /** The number of steps taken (i32 scalar) and the first and second moment estimates. */
    public record State<P>(Tensor step, P m, P v) {
    }

    public Adam {
        Hyper.learningRate("adam", lr);
        Hyper.unitInterval("adam", "beta1", beta1);
        Hyper.unitInterval("adam", "beta2", beta2);
        Hyper.weightDecay("adam", weightDecay);
        if (!(eps >= 0) || Double.isInfinite(eps)) {
            throw new KilnException("adam", "eps must be finite and >= 0, got " + eps);
        }
    }

    /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay. */
    public static <P> Adam<P> of(double lr) {
        return new Adam<>(lr, 0.9, 0.999, 1e-8, 0);
    }

    @Override
    public String name() {
        return "adam";
    }

    @Override
    public State<P> init(P params) {
        return new State<>(Tensor.scalar(0, DType.I32), Trees.zerosLike(params), Trees.zerosLike(params));
    }

    @Override
    public TrainState<P, State<P>> update(TrainState<P, State<P>> state, P grads) {
        P params = state.params();
        State<P> s = state.optState();
        Tensor step = s.step().add(1.0);
        P g = weightDecay == 0 ? grads : Trees.addScaled(grads, weightDecay, params);
        P m = Trees.zip(s.m(), g, (mi, gi) -> mi.mul(beta1).add(gi.mul(1 - beta1)));
        P v = Trees.zip(s.v(), g, (vi, gi) -> vi.mul(beta2).add(gi.mul(gi).mul(1 - beta2)));
        Tensor t = step.astype(DType.F64);
        Tensor stepSize = Tensor.scalar(beta1, DType.F64).pow(t).rsub(1.0).rdiv(lr);
        Tensor sqrtBc2 = Tensor.scalar(beta2, DType.F64).pow(t).rsub(1.0).sqrt();
        P delta = Trees.zip(m, v, (mi, vi) -> {
            Tensor denom = vi.sqrt().div(sqrtBc2.astype(vi.dtype())).add(eps);
            return mi.div(denom).mul(stepSize.astype(mi.dtype()));
        });
        P updated = Trees.sub(params, delta);
        return new TrainState<>(updated, new State<>(step, m, v));
    }
}
