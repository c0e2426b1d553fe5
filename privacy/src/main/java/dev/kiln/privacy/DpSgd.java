package dev.kiln.privacy;

import dev.kiln.autodiff.ValueAndGrad;
import dev.kiln.runtime.JitOptions;
import dev.kiln.runtime.Kiln;
import dev.kiln.privacy.optim.Optimizer;
import dev.kiln.tracer.Fn2;
import dev.kiln.tracer.Fn3;
import dev.kiln.tracer.Tensor;

/**
 * DP-SGD (Abadi et al. 2016) as one compiled step. For a logical batch:
 * <ol>
 *   <li>per-example losses and gradients, {@code vmap(valueAndGrad(loss))} over the batch;
 *   <li>per-example clipping ({@link Clipping#clipAndSum}: flat to C, or per layer) and the sum over
 *       the real examples (the mask drops padding rows);
 *   <li>Gaussian noise of standard deviation {@code sigma * C} on the sum ({@link Noise}), from the
 *       step's key input, split per parameter tensor;
 *   <li>division by the expected batch size ({@link DpSgdConfig#expectedBatchSize});
 *   <li>the optimiser's update.
 * </ol>
 * The pieces are plain traced functions ({@link #clippedSumFn}, {@link #noisyUpdateFn},
 * {@link #stepFn}) that a user can recombine and jit; this class jits them as {@link #step} (all
 * five stages in one function) and, for virtual batches, {@link #accumulate} (1–2) and
 * {@link #apply} (3–5), as Opacus' BatchMemoryManager users expect.
 *
 * <pre>{@code
 * var dp = DpSgd.create(model::exampleLoss, Adam.of(1e-3), DpSgdConfig.of(1.0, 1.1, 256));
 * TrainState<Params, Adam.State<Params>> s = dp.start(params);
 * StepResult<...> r = dp.step(s, batch, keys.noiseKey(step));
 * }</pre>
 */
public final class DpSgd<P, S> implements TrainStep<P, S> {
    private final Fn3<P, Tensor, Tensor, Tensor> loss;
    private final Optimizer<P, S> optimizer;
    private final DpSgdConfig config;
    private final Fn3<TrainState<P, S>, Batch, Tensor, StepResult<P, S>> jittedStep;
    private final Fn2<P, Batch, MicroBatch<P>> jittedAccumulate;
    private final Fn2<MicroBatch<P>, MicroBatch<P>, MicroBatch<P>> jittedAdd;
    private final Fn3<TrainState<P, S>, MicroBatch<P>, Tensor, TrainState<P, S>> jittedApply;

    private DpSgd(Fn3<P, Tensor, Tensor, Tensor> loss, Optimizer<P, S> optimizer, DpSgdConfig config) {
        this.loss = loss;
        this.optimizer = optimizer;
        this.config = config;
        JitOptions o = config.jit();
        String base = o.name() != null ? o.name() : "dpsgd";
        this.jittedStep = Kiln.jit(stepFn(), o.named(base + "_step"));
        this.jittedAccumulate = Kiln.jit(clippedSumFn(), o.named(base + "_clipped_sum"));
        this.jittedAdd = Kiln.jit(MicroBatch::plus, o.named(base + "_add"));
        this.jittedApply = Kiln.jit(noisyUpdateFn(), o.named(base + "_noisy_update"));
    }

    /**
     * A DP-SGD step for the per-example loss {@code loss(params, x, y)} of ONE example (no batch
     * dimension on x and y; a scalar result).
     */
    public static <P, S> DpSgd<P, S> create(Fn3<P, Tensor, Tensor, Tensor> loss, Optimizer<P, S> optimizer,
                                            DpSgdConfig config) {
        return new DpSgd<>(loss, optimizer, config);
    }

    public DpSgdConfig config() {
        return config;
    }

    @Override
    public Optimizer<P, S> optimizer() {
        return optimizer;
    }

    // ---------------------------------------------------------------- traced pieces

    /** Traced: {@code (params, batch) -> (sum of clipped per-example gradients, totals)}. */
    public Fn2<P, Batch, MicroBatch<P>> clippedSumFn() {
        Fn3<P, Tensor, Tensor, ValueAndGrad<P>> perExample = Kiln.vmap(Kiln.valueAndGrad(loss), Kiln.in(null, 0, 0));
        return (params, batch) -> {
            ValueAndGrad<P> vg = perExample.apply(params, batch.x(), batch.y());
            ClippedSum<P> cs = Clipping.clipAndSum(vg.grad(), batch.mask(), config.clipping());
            Tensor mask = batch.mask().astype(cs.norms().dtype());
            BatchTotals totals = new BatchTotals(vg.value().astype(mask.dtype()).mul(mask).sum(),
                    cs.norms().mul(mask).sum(), cs.clipped().sum(), mask.sum());
            return new MicroBatch<>(cs.sum(), totals);
        };
    }

    /**
     * Traced: {@code (state, summed micro-batches, key) -> state'}: noise of standard deviation
     * {@code sigma * sensitivity} on the clipped sum, division by the expected batch size, update.
     */
    public Fn3<TrainState<P, S>, MicroBatch<P>, Tensor, TrainState<P, S>> noisyUpdateFn() {
        return (state, total, key) -> {
            double std = config.noiseMultiplier() * config.clipping().sensitivity(Trees.leafCount(state.params()));
            P noisy = Noise.addGaussian(total.gradSum(), key, std);
            P grads = Trees.scale(noisy, 1.0 / config.expectedBatchSize());
            return optimizer.update(state, grads);
        };
    }

    /** Traced: the whole step, {@link #clippedSumFn} then {@link #noisyUpdateFn}. */
    public Fn3<TrainState<P, S>, Batch, Tensor, StepResult<P, S>> stepFn() {
        Fn2<P, Batch, MicroBatch<P>> clipped = clippedSumFn();
        Fn3<TrainState<P, S>, MicroBatch<P>, Tensor, TrainState<P, S>> update = noisyUpdateFn();
        return (state, batch, key) -> {
            MicroBatch<P> mb = clipped.apply(state.params(), batch);
            return new StepResult<>(update.apply(state, mb, key), StepStats.of(mb.totals()));
        };
    }

    // ---------------------------------------------------------------- compiled

    @Override
    public StepResult<P, S> step(TrainState<P, S> state, Batch batch, Tensor key) {
        return jittedStep.apply(state, batch, key);
    }

    @Override
    public MicroBatch<P> accumulate(P params, Batch batch) {
        return jittedAccumulate.apply(params, batch);
    }

    /** The jitted clipped sum of one micro-batch: {@link #accumulate} under its DP-SGD name. */
    public MicroBatch<P> clippedSum(P params, Batch batch) {
        return accumulate(params, batch);
    }

    /** The jitted noisy update of a logical batch's summed micro-batches: {@link #apply} under its DP-SGD name. */
    public TrainState<P, S> noisyUpdate(TrainState<P, S> state, MicroBatch<P> total, Tensor key) {
        return apply(state, total, key);
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
