package dev.kiln.bench.step;

import dev.kiln.ir.DType;
import dev.kiln.samples.models.PaperModel;
import dev.kiln.tracer.Tensor;
import java.util.SplittableRandom;

/**
 * Random batches of a model's input shape: uniform [0,1) features or token ids uniform over the
 * vocabulary, labels uniform over the classes. Timings do not depend on the values (no
 * data-dependent control flow in any model), so the benchmarks skip the teacher labelling of
 * {@code SyntheticData}, which would cost minutes on the large models, and cycle a small pool of
 * batches instead of holding a whole epoch in memory.
 */
public final class BenchData {
    private BenchData() {
    }

    /** {@code count} batches of {@code batch} examples, each as {x, y}. */
    public static Tensor[][] batches(PaperModel<?> m, int batch, int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor[][] out = new Tensor[count][];
        for (int i = 0; i < count; i++) {
            out[i] = new Tensor[] {inputs(m, batch, r), labels(m, batch, r)};
        }
        return out;
    }

    private static Tensor inputs(PaperModel<?> m, int batch, SplittableRandom r) {
        int[] shape = m.batchShape(batch);
        int n = 1;
        for (int d : shape) {
            n = Math.multiplyExact(n, d);
        }
        if (m.inputType() == DType.I32) {
            int[] ids = new int[n];
            for (int i = 0; i < n; i++) {
                ids[i] = r.nextInt(m.vocabulary());
            }
            return Tensor.of(ids, shape);
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextDouble();
        }
        return Tensor.of(v, shape);
    }

    private static Tensor labels(PaperModel<?> m, int batch, SplittableRandom r) {
        int[] y = new int[batch];
        for (int i = 0; i < batch; i++) {
            y[i] = r.nextInt(m.classes());
        }
        return Tensor.of(y, batch);
    }
}
