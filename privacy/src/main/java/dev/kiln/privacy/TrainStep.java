package dev.kiln.privacy;

import dev.kiln.ir.KilnException;
import dev.kiln.privacy.optim.Optimizer;
import dev.kiln.tracer.Tensor;
import java.util.List;

/**
 * A compiled training step, private ({@link DpSgd}) or not ({@link PlainSgd}), in two shapes:
 *
 * <ul>
 *   <li>{@link #step}: one jitted function {@code (state, batch, key) -> (state', stats)} for a
 *       logical batch that fits in one physical batch;
 *   <li>the virtual-batch path: {@link #accumulate} each physical micro-batch (jitted, e.g. the
 *       clipped sum), add the results up, then {@link #apply} once (jitted: for DP-SGD the noise
 *       is drawn here, once per logical batch). {@link #step(TrainState, List, Tensor)} does this.
 * </ul>
 *
 * With the same key the two shapes compute the same update (up to float summation order). Every
 * function is compiled once per batch shape, so padding to a fixed physical size never recompiles.
 */
public interface TrainStep<P, S> {

    Optimizer<P, S> optimizer();

    /** The whole step on one physical batch (jitted). */
    StepResult<P, S> step(TrainState<P, S> state, Batch batch, Tensor key);

    /** One micro-batch's contribution (jitted). */
    MicroBatch<P> accumulate(P params, Batch batch);

    /** The sum of two micro-batches' contributions (jitted). */
    MicroBatch<P> add(MicroBatch<P> a, MicroBatch<P> b);

    /** The update from a logical batch's summed contributions (jitted). */
    TrainState<P, S> apply(TrainState<P, S> state, MicroBatch<P> total, Tensor key);

    /** The step in the six-argument form {@code (params, optState, x, y, mask, key)}. */
    default StepResult<P, S> step(P params, S optState, Tensor x, Tensor y, Tensor mask, Tensor key) {
        return step(new TrainState<>(params, optState), new Batch(x, y, mask), key);
    }

    /**
     * One logical batch given as physical micro-batches: the fused {@link #step} when there is one,
     * otherwise accumulate, add and apply once.
     */
    default StepResult<P, S> step(TrainState<P, S> state, List<Batch> microBatches, Tensor key) {
        if (microBatches.isEmpty()) {
            throw new KilnException("train step", "a logical batch needs at least one physical batch (all padding is fine)");
        }
        if (microBatches.size() == 1) {
            return step(state, microBatches.get(0), key);
        }
        MicroBatch<P> total = null;
        for (Batch b : microBatches) {
            MicroBatch<P> part = accumulate(state.params(), b);
            total = total == null ? part : add(total, part);
        }
        return new StepResult<>(apply(state, total, key), StepStats.of(total.totals()));
    }

    /** The state before the first step. */
    default TrainState<P, S> start(P params) {
        return optimizer().start(params);
    }
}
