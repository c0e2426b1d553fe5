package dev.kiln.privacy;

import dev.kiln.autodiff.ValueAndGrad;
import dev.kiln.runtime.JitOptions;
import dev.kiln.runtime.Kiln;
import dev.kiln.privacy.optim.Optimizer;
import dev.kiln.tracer.Fn2;
import dev.kiln.tracer.Fn3;
import dev.kiln.tracer.Tensor;

/**
 * Ordinary (non-private) training with the same shape as {@link DpSgd}, for comparisons and
 * benchmarks: the gradient of the masked mean loss, {@code sum_b mask_b * loss_b / sum_b mask_b},
 * computed as one batch gradient (no per-example gradients, no clipping, no noise), then the
 * optimiser's update. The key input is accepted and ignored; the mean-norm statistic is NaN.
 * Virtual batches divide the summed gradient by the total number of real examples.
 */
public final class PlainSgd<P, S> implements TrainStep<P, S> {
    private final Fn3<P, Tensor, Tensor, Tensor> batchLosses;
    private final Optimizer<P, S> optimizer;
    private final Fn3<TrainState<P, S>, Batch, Tensor, StepResult<P, S>> jittedStep;
    private final Fn2<P, Batch, MicroBatch<P>> jittedAccumulate;
    private final Fn2<MicroBatch<P>, MicroBatch<P>, MicroBatch<P>> jittedAdd;
    private final Fn3<TrainState<P, S>, MicroBatch<P>, Tensor, TrainState<P, S>> jittedApply;

    private PlainSgd(Fn3<P, Tensor, Tensor, Tensor> batchLosses, Optimizer<P, S> optimizer, JitOptions jit) {
        this.batchLosses = batchLosses;
        this.optimizer = optimizer;
        JitOptions o = jit == null ? JitOptions.defaults() : jit;
        String base = o.name() != null ? o.name() : "sgd";
        this.jittedStep = Kiln.jit(stepFn(), o.named(base + "_step"));
        this.jittedAccumulate = Kiln.jit(gradSumFn(), o.named(base + "_grad_sum"));
        this.jittedAdd = Kiln.jit(MicroBatch::plus, o.named(base + "_add"));
        this.jittedApply = Kiln.jit(updateFn(), o.named(base + "_update"));
    }

    /**
     * From {@code losses(params, x, y)}: the per-example losses {@code [B]} of a BATCH (e.g.
     * {@code crossEntropy(logits(p, x), y)}), the usual way to write a model's loss.
     */
    public static <P, S> PlainSgd<P, S> fromBatchLosses(Fn3<P, Tensor, Tensor, Tensor> losses, Optimizer<P, S> optimizer,
                                                        JitOptions jit) {
        return new PlainSgd<>(losses, optimizer, jit);
    }

    /** From the loss of ONE example (as {@link DpSgd} takes it), batched with vmap. */
    public static <P, S> PlainSgd<P, S> fromExampleLoss(Fn3<P, Tensor, Tensor, Tensor> loss, Optimizer<P, S> optimizer,
                                                        JitOptions jit) {
        return new PlainSgd<>(Kiln.vmap(loss, Kiln.in(null, 0, 0)), optimizer, jit);
    }

    @Override
    public Optimizer<P, S> optimizer() {
        return optimizer;
    }

    /** Traced: {@code (params, batch) -> (gradient of the masked loss sum, totals)}. */
    public Fn2<P, Batch, MicroBatch<P>> gradSumFn() {
        Fn2<P, Batch, ValueAndGrad<P>> vg = Kiln.valueAndGrad((Fn2<P, Batch, Tensor>) (p, b) -> {
            Tensor l = batchLosses.apply(p, b.x(), b.y());
            return l.mul(b.mask().astype(l.dtype())).sum();
        });
        return (params, batch) -> {
            ValueAndGrad<P> r = vg.apply(params, batch);
            Tensor count = batch.mask().astype(r.value().dtype()).sum();
            Tensor zero = Tensor.zerosLike(count);
            BatchTotals t = new BatchTotals(r.value(), zero.add(Double.NaN), zero, count);
            return new MicroBatch<>(r.grad(), t);
        };
    }

    /** Traced: {@code (state, total, key) -> state'} with the gradient divided by the number of real examples. */
    public Fn3<TrainState<P, S>, MicroBatch<P>, Tensor, TrainState<P, S>> updateFn() {
        return (state, total, key) -> {
            Tensor n = total.totals().count().maximum(1.0);
            P grads = Trees.map(total.gradSum(), g -> g.div(n.astype(g.dtype())));
            return optimizer.update(state, grads);
        };
    }

    /** Traced: the whole step. */
    public Fn3<TrainState<P, S>, Batch, Tensor, StepResult<P, S>> stepFn() {
        Fn2<P, Batch, MicroBatch<P>> sum = gradSumFn();
        Fn3<TrainState<P, S>, MicroBatch<P>, Tensor, TrainState<P, S>> update = updateFn();
        return (state, batch, key) -> {
            MicroBatch<P> mb = sum.apply(state.params(), batch);
            return new StepResult<>(update.apply(state, mb, key), StepStats.of(mb.totals()));
        };
    }

    @Override
    public StepResult<P, S> step(TrainState<P, S> state, Batch batch, Tensor key) {
        return jittedStep.apply(state, batch, key);
    }

    @Override
    public MicroBatch<P> accumulate(P params, Batch batch) {
        return jittedAccumulate.apply(params, batch);
    }

    @Override
    public MicroBatch<P> add(MicroBatch<P> a, MicroBatch<P> b) {
        return jittedAdd.apply(a, b);
    }

    @Override
    public TrainState<P, S> apply(TrainState<P, S> state, MicroBatch<P> total, Tensor key) {
        return jittedApply.apply(state, total, key);
    }
}
