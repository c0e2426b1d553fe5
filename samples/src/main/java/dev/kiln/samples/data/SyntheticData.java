package dev.kiln.samples.data;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.TensorType;
import dev.kiln.runtime.JitOptions;
import dev.kiln.runtime.Kiln;
import dev.kiln.samples.models.PaperModel;
import dev.kiln.tracer.Fn2;
import dev.kiln.tracer.Random;
import dev.kiln.tracer.Tensor;

/**
 * Synthetic data a model can learn: random inputs of the model's shape (uniform [0,1) features,
 * images of uniform [0,1) 4x4-pixel blocks, or token ids uniform over the vocabulary) labelled by
 * a fixed random TEACHER — a freshly initialised copy of the same architecture. The teacher's logits are centred per class over the
 * dataset before the argmax, so the classes come out roughly balanced and accuracy well above
 * chance means the student learned something.
 */
public final class SyntheticData {
    private static final int CHUNK = 512;
    private static final int BLOCK = 4;

    private SyntheticData() {
    }

    public static Dataset generate(PaperModel<?> model, int n, long seed) {
        return generateTyped(model, n, seed);
    }

    private static <P extends Record> Dataset generateTyped(PaperModel<P> model, int n, long seed) {
        Tensor key = Random.key(seed);
        Tensor keys = Random.split(key, 2);
        P teacher = model.init(Random.keyAt(keys, 0));
        ArrayData x = inputs(model, n, Random.keyAt(keys, 1));
        Fn2<P, Tensor, Tensor> logits = Kiln.jit(model::logits, JitOptions.defaults().named("teacher_" + model.name()));
        int classes = model.classes();
        float[] all = new float[n * classes];
        int per = x.size() / n;
        int chunk = Math.min(CHUNK, n);
        for (int start = 0; start < n; start += chunk) {
            int rows = Math.min(chunk, n - start);
            // The last chunk is zero-padded to the same size, so the teacher compiles once.
            Tensor xb = slice(x, start, rows, chunk, per);
            float[] l = logits.apply(teacher, xb).astype(DType.F32).toFloatArray();
            System.arraycopy(l, 0, all, start * classes, rows * classes);
        }
        double[] mean = new double[classes];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < classes; c++) {
                mean[c] += all[i * classes + c] / n;
            }
        }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (all[i * classes + c] - mean[c] > all[i * classes + best] - mean[best]) {
                    best = c;
                }
            }
            y[i] = best;
        }
        return new Dataset(x, ArrayData.of(y, n), classes, "synthetic (teacher-labelled, seed " + seed + ")");
    }

    private static ArrayData inputs(PaperModel<?> model, int n, Tensor key) {
        int[] shape = model.batchShape(n);
        if (model.inputType() == DType.I32) {
            Tensor u = Random.uniform(key, shape);
            return u.mul((double) model.vocabulary()).floor().minimum(model.vocabulary() - 1.0).astype(DType.I32).data();
        }
        int[] e = model.exampleShape();
        if (e.length == 3 && e[1] % BLOCK == 0 && e[2] % BLOCK == 0) {
            return blockyImages(key, shape);
        }
        return Random.uniform(key, shape).data();
    }

    /**
     * Images {@code [n, C, H, W]} of uniform [0, 1) pixels drawn at a quarter of the resolution and
     * enlarged by repeating each pixel in a 4x4 block. A random convolutional teacher's labels of
     * independent per-pixel noise depend on tiny averaged fluctuations and a student CNN barely
     * learns them in a few epochs; on blocky images its features vary strongly between examples
     * and the labels are learnable (measured: a non-private MNIST CNN from 13% to 36% test accuracy
     * in 48 Adam steps, where per-pixel noise stayed at the 13% majority class).
     */
    private static ArrayData blockyImages(Tensor key, int[] shape) {
        int n = shape[0];
        int c = shape[1];
        int h = shape[2] / BLOCK;
        int w = shape[3] / BLOCK;
        Tensor low = Random.uniform(key, n, c, h, 1, w, 1);
        return low.broadcastTo(n, c, h, BLOCK, w, BLOCK).reshape(shape).data();
    }

    private static Tensor slice(ArrayData x, int start, int rows, int paddedRows, int per) {
        int[] d = x.shape().toArray();
        d[0] = paddedRows;
        ArrayData out = ArrayData.zeros(new TensorType(x.dtype(), dev.kiln.ir.Shape.of(d)));
        System.arraycopy(x.storage(), start * per, out.storage(), 0, rows * per);
        return Tensor.of(out);
    }
}
