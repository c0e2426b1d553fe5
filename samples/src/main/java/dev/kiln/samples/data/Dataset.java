package dev.kiln.samples.data;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.Shape;
import dev.kiln.ir.TensorType;
import dev.kiln.tracer.Tensor;

/**
 * Examples in memory: inputs {@code x [N, ...]} (f32 features or i32 token ids) and i32 labels
 * {@code y [N]}. Batches are copied out by index, so any sampling scheme can draw them.
 */
public record Dataset(ArrayData x, ArrayData y, int classes, String description) {
    public Dataset {
        if (x.shape().dim(0) != y.shape().dim(0)) {
            throw new KilnException("dataset", "x " + x.type() + " and y " + y.type() + " disagree on the number of examples");
        }
    }

    public int size() {
        return y.shape().dim(0);
    }

    /** The shape of one example. */
    public int[] exampleShape() {
        return x.shape().without(0).toArray();
    }

    /** Examples {@code indices} as a batch; entries of -1 give zero padding rows (masked out by the caller). */
    public Tensor[] batch(int[] indices) {
        int per = x.size() / Math.max(size(), 1);
        ArrayData bx = ArrayData.zeros(new TensorType(x.dtype(), shapeWithRows(indices.length)));
        ArrayData by = ArrayData.zeros(TensorType.of(y.dtype(), indices.length));
        Object src = x.storage(), dst = bx.storage();
        for (int i = 0; i < indices.length; i++) {
            int j = indices[i];
            if (j < 0) {
                continue;
            }
            System.arraycopy(src, j * per, dst, i * per, per);
            by.intStorage()[i] = y.intStorage()[j];
        }
        return new Tensor[] {Tensor.of(bx), Tensor.of(by)};
    }

    private Shape shapeWithRows(int rows) {
        int[] d = x.shape().toArray();
        d[0] = rows;
        return Shape.of(d);
    }

    /** Examples {@code from..to-1}. */
    public Dataset range(int from, int to) {
        if (from < 0 || to > size() || from > to) {
            throw new KilnException("dataset", "range [" + from + ", " + to + ") is outside the " + size() + " examples");
        }
        Tensor[] b = batch(java.util.stream.IntStream.range(from, to).toArray());
        return new Dataset(b[0].data(), b[1].data(), classes, description);
    }

    /** The first {@code n} examples. */
    public Dataset head(int n) {
        int[] idx = new int[Math.min(n, size())];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Tensor[] b = batch(idx);
        return new Dataset(b[0].data(), b[1].data(), classes, description);
    }
}
