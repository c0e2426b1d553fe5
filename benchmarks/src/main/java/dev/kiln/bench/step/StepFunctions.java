package dev.kiln.bench.step;

import dev.kiln.runtime.Kiln;
import dev.kiln.samples.models.PaperModel;
import dev.kiln.tracer.Fn3;
import dev.kiln.tracer.Random;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.tree.PyTree;
import java.util.ArrayList;
import java.util.List;

/**
 * The three training steps the benchmarks time, as plain functions of
 * {@code (state, x, y) -> state'} that run eagerly or under {@code Kiln.jit}:
 * ordinary SGD on the mean loss; DP-SGD with per-example gradients from
 * {@code vmap(grad(exampleLoss))}; and DP-SGD with a loop over the examples (the paper's
 * "no vmap" ablation). DP-SGD clips each example's gradient to joint norm C over all
 * parameters, sums, adds N(0, (σC)²) noise, averages over the batch and steps.
 *
 * <p>This is the benchmark's own DP-SGD step, kept line for line equal to the PyTorch peer's step
 * (one joint clip norm, σ = 1, plain SGD) so the two time the same computation; the
 * {@code privacy} module's {@code DpSgd} adds Poisson sampling, accounting and optimisers on top.
 */
public final class StepFunctions {
    private StepFunctions() {
    }

    public static <P extends Record> Fn3<TrainState<P>, Tensor, Tensor, TrainState<P>> sgd(PaperModel<P> m, Hyper h) {
        Fn3<P, Tensor, Tensor, P> grad = Kiln.grad(m::batchLoss);
        return (s, x, y) -> {
            List<Tensor> g = PyTree.leaves(grad.apply(s.params(), x, y));
            List<Tensor> p = PyTree.leaves(s.params());
            List<Tensor> out = new ArrayList<>(p.size());
            for (int i = 0; i < p.size(); i++) {
                out.add(p.get(i).sub(g.get(i).mul(h.learningRate())));
            }
            return new TrainState<>(rebuild(s.params(), out), s.key());
        };
    }

    public static <P extends Record> Fn3<TrainState<P>, Tensor, Tensor, TrainState<P>> dpVmap(PaperModel<P> m, Hyper h) {
        Fn3<P, Tensor, Tensor, P> perExample = Kiln.vmap(Kiln.grad(m::exampleLoss), Kiln.in(null, 0, 0));
        return (s, x, y) -> {
            List<Tensor> g = PyTree.leaves(perExample.apply(s.params(), x, y));
            Tensor scale = clipScale(sumOfSquares(g, 1), h.clip());
            List<Tensor> sums = new ArrayList<>(g.size());
            for (Tensor gi : g) {
                sums.add(gi.mul(scale.reshape(perExampleShape(gi))).sum(0));
            }
            return noisyUpdate(s, sums, x.dim(0), h);
        };
    }

    public static <P extends Record> Fn3<TrainState<P>, Tensor, Tensor, TrainState<P>> dpLoop(PaperModel<P> m, Hyper h) {
        Fn3<P, Tensor, Tensor, P> grad = Kiln.grad(m::exampleLoss);
        return (s, x, y) -> {
            int batch = x.dim(0);
            List<Tensor> sums = null;
            for (int b = 0; b < batch; b++) {
                List<Tensor> g = PyTree.leaves(grad.apply(s.params(), x.index(0, b), y.index(0, b)));
                Tensor scale = clipScale(sumOfSquares(g, 0), h.clip());
                List<Tensor> next = new ArrayList<>(g.size());
                for (int i = 0; i < g.size(); i++) {
                    Tensor c = g.get(i).mul(scale);
                    next.add(sums == null ? c : sums.get(i).add(c));
                }
                sums = next;
            }
            return noisyUpdate(s, sums, batch, h);
        };
    }

    /**
     * The squared joint norm over all leaves: per example ({@code [B]}) when {@code leading} is 1
     * and the leaves are per-example stacks {@code [B, ...]}; a scalar for one example's gradient.
     */
    static Tensor sumOfSquares(List<Tensor> grads, int leading) {
        Tensor total = null;
        for (Tensor g : grads) {
            int[] axes = new int[g.rank() - leading];
            for (int a = 0; a < axes.length; a++) {
                axes[a] = a + leading;
            }
            Tensor sq = axes.length == 0 ? g.square() : g.square().sum(axes);
            total = total == null ? sq : total.add(sq);
        }
        return total;
    }

    /** The factor {@code 1 / max(1, ‖g‖ / C)} that clips a gradient of squared norm {@code sq} to norm C. */
    static Tensor clipScale(Tensor sq, double clip) {
        return sq.sqrt().div(clip).maximum(1.0).reciprocal();
    }

    private static int[] perExampleShape(Tensor g) {
        int[] s = new int[g.rank()];
        java.util.Arrays.fill(s, 1);
        s[0] = g.dim(0);
        return s;
    }

    private static <P extends Record> TrainState<P> noisyUpdate(TrainState<P> s, List<Tensor> sums, int batch, Hyper h) {
        List<Tensor> p = PyTree.leaves(s.params());
        List<Tensor> keys = Random.splitList(s.key(), p.size() + 1);
        double std = h.noiseMultiplier() * h.clip();
        List<Tensor> out = new ArrayList<>(p.size());
        for (int i = 0; i < p.size(); i++) {
            Tensor noise = Random.normal(keys.get(i), p.get(i).dims()).mul(std);
            Tensor mean = sums.get(i).add(noise).div(batch);
            out.add(p.get(i).sub(mean.mul(h.learningRate())));
        }
        return new TrainState<>(rebuild(s.params(), out), keys.get(p.size()));
    }

    @SuppressWarnings("unchecked")
    private static <P> P rebuild(P like, List<Tensor> leaves) {
        return (P) PyTree.flatten(like).def().unflatten(leaves);
    }
}
