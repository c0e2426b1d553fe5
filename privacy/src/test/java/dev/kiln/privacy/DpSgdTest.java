package dev.kiln.privacy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.KilnException;
import dev.kiln.privacy.optim.Momentum;
import dev.kiln.privacy.optim.Sgd;
import dev.kiln.runtime.Kiln;
import dev.kiln.tracer.Random;
import dev.kiln.tracer.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DpSgdTest {
    private static final int B = 12;
    private static final double CLIP = 1.0;

    private static Tensor x() {
        return TinyModel.inputs(11, B);
    }

    private static Tensor y() {
        return TinyModel.labels(12, B);
    }

    private static DpSgd<TinyModel.Params, Sgd.State> dp(double sigma, double lr, double expected) {
        return DpSgd.create(TinyModel::exampleLoss, Sgd.of(lr), DpSgdConfig.of(CLIP, sigma, expected));
    }

    /** Rows {@code rows} of x and y, padded with zero rows to {@code size}; mask marks the real ones. */
    private static Batch rows(int[] rows, int size) {
        float[] xs = x().toFloatArray();
        int[] ys = y().toIntArray();
        int f = TinyModel.FEATURES;
        float[] bx = new float[size * f];
        int[] by = new int[size];
        float[] m = new float[size];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(xs, rows[i] * f, bx, i * f, f);
            by[i] = ys[rows[i]];
            m[i] = 1;
        }
        return new Batch(Tensor.of(bx, size, f), Tensor.of(by), Tensor.of(m));
    }

    private static int[] range(int from, int to) {
        return java.util.stream.IntStream.range(from, to).toArray();
    }

    private static void assertTreesClose(Object expected, Object actual, float tol) {
        List<Tensor> e = Trees.leaves(expected);
        List<Tensor> a = Trees.leaves(actual);
        for (int i = 0; i < e.size(); i++) {
            assertArrayEquals(e.get(i).toFloatArray(), a.get(i).toFloatArray(), tol, "leaf " + i);
        }
    }

    @Test
    void noiselessStepIsSgdOnTheMeanOfClippedPerExampleGradients() {
        double lr = 0.3;
        TinyModel.Params p = TinyModel.init(5);
        var dp = dp(0, lr, B);
        StepResult<TinyModel.Params, Sgd.State> r = dp.step(dp.start(p), Batch.full(x(), y()), Random.key(0));

        TinyModel.Params g = Kiln.vmap(Kiln.grad(TinyModel::exampleLoss), Kiln.in(null, 0, 0)).apply(p, x(), y());
        double[] norms = Clipping.perExampleNorms(g).toDoubleArray();
        float[] w = p.w().toFloatArray();
        float[] gw = g.w().toFloatArray();
        float[] expected = new float[w.length];
        int clipped = 0;
        for (int i = 0; i < w.length; i++) {
            double s = 0;
            for (int b = 0; b < B; b++) {
                s += gw[b * w.length + i] / Math.max(1, norms[b] / CLIP);
            }
            expected[i] = (float) (w[i] - lr * s / B);
        }
        for (double n : norms) {
            clipped += n > CLIP ? 1 : 0;
        }
        assertArrayEquals(expected, r.params().w().toFloatArray(), 1e-6f);
        double meanLoss = TinyModel.batchLosses(p, x(), y()).mean().item();
        assertEquals(meanLoss, r.stats().lossValue(), 1e-5);
        assertEquals(Arrays.stream(norms).average().orElseThrow(), r.stats().meanNormValue(), 1e-5);
        assertEquals(clipped / (double) B, r.stats().clippedFractionValue(), 1e-6);
        assertEquals(B, r.stats().examplesValue());
        assertTrue(clipped > 0 && clipped < B, "the data must clip some examples and not others");
    }

    @Test
    void noiseOnTheUpdateHasStdSigmaTimesClipOverExpectedBatch() {
        // A zero gradient sum isolates the noise: p' - p = -lr * N(0, (sigma C)^2) / expectedBatch.
        record Big(Tensor w) {
        }
        double sigma = 1.7;
        double expected = 64;
        double lr = 2.0;
        DpSgd<Big, Sgd.State> dp = DpSgd.create((Big p, Tensor x, Tensor y) -> p.w().sum().mul(0.0), Sgd.of(lr),
                DpSgdConfig.of(0.5, sigma, expected));
        Big p = new Big(Tensor.zeros(300, 300));
        MicroBatch<Big> zero = new MicroBatch<>(new Big(Tensor.zeros(300, 300)), null);
        TrainState<Big, Sgd.State> s = dp.noisyUpdateFn().apply(dp.start(p), zero, Random.key(99));
        float[] d = s.params().w().toFloatArray();
        double sq = 0;
        for (float v : d) {
            sq += v * (double) v;
        }
        double std = Math.sqrt(sq / d.length);
        assertEquals(lr * sigma * 0.5 / expected, std, 0.015 * lr * sigma * 0.5 / expected);
    }

    @Test
    void stepsAreReproducibleFromTheKeyAndDifferAcrossKeys() {
        var dp = dp(1.0, 0.1, B);
        TrainState<TinyModel.Params, Sgd.State> s = dp.start(TinyModel.init(5));
        Batch b = Batch.full(x(), y());
        float[] a1 = dp.step(s, b, Random.key(3)).params().w().toFloatArray();
        float[] a2 = dp.step(s, b, Random.key(3)).params().w().toFloatArray();
        float[] other = dp.step(s, b, Random.key(4)).params().w().toFloatArray();
        assertArrayEquals(a1, a2);
        assertFalse(Arrays.equals(a1, other));
    }

    @Test
    void maskedPaddingRowsChangeNothing() {
        var dp = DpSgd.create(TinyModel::exampleLoss, Momentum.of(0.2, 0.9), DpSgdConfig.of(CLIP, 0.8, 10));
        var s = dp.start(TinyModel.init(5));
        int[] real = {0, 3, 4, 7, 9};
        var compact = dp.step(s, rows(real, 5), Random.key(1));
        var padded = dp.step(s, rows(real, 9), Random.key(1));
        assertTreesClose(compact.state(), padded.state(), 1e-6f);
        assertEquals(compact.stats().lossValue(), padded.stats().lossValue(), 1e-6);
        assertEquals(5, padded.stats().examplesValue());
    }

    @Test
    void virtualBatchesEqualOneBigBatch() {
        for (double sigma : new double[] {0.0, 1.3}) {
            var dp = DpSgd.create(TinyModel::exampleLoss, Momentum.of(0.2, 0.9), DpSgdConfig.of(CLIP, sigma, B));
            var s = dp.start(TinyModel.init(5));
            var big = dp.step(s, Batch.full(x(), y()), Random.key(21));
            // 12 examples as micro-batches of 5, 5 and 2 (+3 padding rows).
            List<Batch> parts = new ArrayList<>();
            parts.add(rows(range(0, 5), 5));
            parts.add(rows(range(5, 10), 5));
            parts.add(rows(range(10, 12), 5));
            var virtual = dp.step(s, parts, Random.key(21));
            // The same by hand, as a BatchMemoryManager loop would: clipped sums, added, one noisy update.
            MicroBatch<TinyModel.Params> total = dp.clippedSum(s.params(), parts.get(0));
            for (Batch b : parts.subList(1, parts.size())) {
                total = total.plus(dp.clippedSum(s.params(), b));
            }
            assertTreesClose(big.state(), dp.noisyUpdate(s, total, Random.key(21)), 1e-6f);
            assertTreesClose(big.state(), virtual.state(), 1e-6f);
            assertEquals(big.stats().lossValue(), virtual.stats().lossValue(), 1e-5);
            assertEquals(big.stats().clippedFractionValue(), virtual.stats().clippedFractionValue(), 1e-6);
            assertEquals(B, virtual.stats().examplesValue());
        }
    }

    @Test
    void sixArgumentFormIsTheSameStep() {
        var dp = dp(1.0, 0.1, B);
        var s = dp.start(TinyModel.init(5));
        var a = dp.step(s, Batch.full(x(), y()), Random.key(8));
        var b = dp.step(s.params(), s.optState(), x(), y(), Tensor.ones(B), Random.key(8));
        assertTreesClose(a.state(), b.state(), 0f);
    }

    @Test
    void perLayerClippingStepRunsAndBoundsTheUpdate() {
        double lr = 1.0;
        var dp = DpSgd.create(TinyModel::exampleLoss, Sgd.<TinyModel.Params>of(lr),
                DpSgdConfig.of(CLIP, 0, 1).withClipping(ClipPolicy.perLayer(CLIP)));
        TinyModel.Params p = TinyModel.init(5);
        // One example per step, no noise: the update is the clipped gradient itself, each tensor within C/sqrt(2).
        for (int b = 0; b < 4; b++) {
            var r = dp.step(dp.start(p), rows(new int[] {b}, 1), Random.key(0));
            TinyModel.Params delta = Trees.sub(p, r.params());
            for (Tensor t : Trees.leaves(delta)) {
                assertTrue(t.norm().item() <= CLIP / Math.sqrt(2) * (1 + 1e-5));
            }
        }
    }

    @Test
    void plainSgdStepIsTheMeanLossGradientOverRealExamples() {
        double lr = 0.5;
        TinyModel.Params p = TinyModel.init(5);
        var plain = PlainSgd.fromBatchLosses(TinyModel::batchLosses, Sgd.<TinyModel.Params>of(lr), null);
        var viaVmap = PlainSgd.fromExampleLoss(TinyModel::exampleLoss, Sgd.<TinyModel.Params>of(lr), null);
        int[] real = {1, 2, 5, 8, 11};
        var r = plain.step(plain.start(p), rows(real, 8), Random.key(0));
        var v = viaVmap.step(viaVmap.start(p), rows(real, 8), Random.key(0));
        Batch compact = rows(real, 5);
        TinyModel.Params g = Kiln.grad((TinyModel.Params q, Tensor xx, Tensor yy) -> TinyModel.batchLosses(q, xx, yy).mean())
                .apply(p, compact.x(), compact.y());
        TinyModel.Params expected = Trees.addScaled(p, -lr, g);
        assertTreesClose(expected, r.params(), 1e-6f);
        assertTreesClose(expected, v.params(), 1e-6f);
        assertEquals(TinyModel.batchLosses(p, compact.x(), compact.y()).mean().item(), r.stats().lossValue(), 1e-6);
        assertTrue(Double.isNaN(r.stats().meanNormValue()), "a plain step computes no per-example norms");
        // Virtual batches: the same update from two micro-batches.
        var parts = List.of(rows(new int[] {1, 2, 5}, 4), rows(new int[] {8, 11}, 4));
        assertTreesClose(expected, plain.step(plain.start(p), parts, Random.key(0)).params(), 1e-6f);
    }

    @Test
    void badSettingsAreClearErrors() {
        KilnException s = assertThrows(KilnException.class, () -> DpSgdConfig.of(1.0, -0.5, 10));
        assertTrue(s.getMessage().contains("noise multiplier sigma"), s.getMessage());
        KilnException c = assertThrows(KilnException.class, () -> DpSgdConfig.of(0, 1, 10));
        assertTrue(c.getMessage().contains("clipping norm C"), c.getMessage());
        KilnException e = assertThrows(KilnException.class, () -> DpSgdConfig.of(1, 1, 0));
        assertTrue(e.getMessage().contains("expected batch size"), e.getMessage());
    }
}
