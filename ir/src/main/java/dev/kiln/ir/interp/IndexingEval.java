package dev.kiln.ir.interp;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.Shape;
import dev.kiln.ir.TensorType;
import java.util.Arrays;

/**
 * Evaluation of gather and scatter_add with {@code batchDims} leading batch dimensions. Viewing
 * the operand as {@code [B, V, R]}, the indices as {@code [B, I]} and the gathered rows or the
 * updates as {@code [B, I, R]} (each group of dimensions flattened):
 * {@code gather[b,i,r] = operand[b, idx[b,i], r]} and scatter_add adds {@code updates[b,i,r]} at
 * {@code [b, idx[b,i], r]}. An index outside {@code [0, V)} is a {@link KilnException}.
 * Repeated indices accumulate, in row-major order of the updates, in double for floating types
 * (rounded once) and modulo 2^32 for i32.
 */
final class IndexingEval {
    private IndexingEval() {
    }

    static ArrayData gather(int batchDims, ArrayData operand, ArrayData indices, TensorType out) {
        return Buffers.gather(operand, rowMap("gather", batchDims, operand.type(), indices), out);
    }

    static ArrayData scatterAdd(int batchDims, ArrayData operand, ArrayData indices, ArrayData updates, TensorType out) {
        int[] target = rowMap("scatter_add", batchDims, operand.type(), indices);
        if (operand.dtype().isFloating()) {
            double[] acc = Buffers.doubles(operand).clone();
            double[] u = Buffers.doubles(updates);
            for (int j = 0; j < u.length; j++) {
                acc[target[j]] += u[j];
            }
            return Buffers.fromDoubles(out, acc);
        }
        int[] acc = Buffers.ints(operand).clone();
        int[] u = Buffers.ints(updates);
        for (int j = 0; j < u.length; j++) {
            acc[target[j]] += u[j];
        }
        return ArrayData.wrap(out, acc);
    }

    /** For each element {@code [b, i, r]} of the gathered result, the flat operand index {@code [b, idx[b,i], r]}. */
    private static int[] rowMap(String op, int batchDims, TensorType operandType, ArrayData indices) {
        Shape operand = operandType.shape();
        int rows = operand.dim(batchDims);
        int rowSize = IndexMaps.product(operand, batchDims + 1, operand.rank());
        int batches = IndexMaps.product(operand, 0, batchDims);
        int[] idx = Buffers.ints(indices);
        int perBatch = batches == 0 ? 0 : idx.length / batches;
        int[] map = new int[idx.length * rowSize];
        for (int j = 0; j < idx.length; j++) {
            int row = idx[j];
            if (row < 0 || row >= rows) {
                throw outOfRange(op, row, j, indices.shape(), operandType, batchDims);
            }
            int base = (j / perBatch * rows + row) * rowSize;
            for (int r = 0; r < rowSize; r++) {
                map[j * rowSize + r] = base + r;
            }
        }
        return map;
    }

    private static KilnException outOfRange(String op, int row, int flat, Shape indexShape, TensorType operand, int batchDims) {
        int[] at = new int[indexShape.rank()];
        int[] strides = indexShape.strides();
        for (int d = 0; d < at.length; d++) {
            at[d] = flat / strides[d] % indexShape.dim(d);
        }
        return new KilnException(op, "index " + row + " at indices position " + Arrays.toString(at)
                + " is out of range [0, " + operand.dim(batchDims) + ") for operand " + operand
                + " (batch_dims " + batchDims + ", indexed dimension " + batchDims + ")",
                null, "indices must lie in [0, " + operand.dim(batchDims) + "); check the vocabulary size or the labels");
    }
}
