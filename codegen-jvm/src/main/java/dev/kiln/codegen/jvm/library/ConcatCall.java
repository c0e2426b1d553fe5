package dev.kiln.codegen.jvm.library;

import dev.kiln.ir.TensorType;
import java.util.List;

/**
 * A concatenation of many operands as block copies: viewing each operand as {@code [outer, d_k * inner]}
 * and the result as {@code [outer, D * inner]}, every row of every operand is one
 * {@link System#arraycopy} into its place. (Few-operand concatenations are fused into their
 * consumers instead.)
 */
final class ConcatCall implements LibraryCall {
    private final int outer;
    private final int[] rowSizes;
    private final int resultRow;

    ConcatCall(int dimension, List<TensorType> operands, TensorType result) {
        int o = 1, inner = 1;
        for (int d = 0; d < dimension; d++) {
            o *= result.dim(d);
        }
        for (int d = dimension + 1; d < result.rank(); d++) {
            inner *= result.dim(d);
        }
        this.outer = o;
        this.rowSizes = new int[operands.size()];
        for (int k = 0; k < rowSizes.length; k++) {
            rowSizes[k] = operands.get(k).dim(dimension) * inner;
        }
        this.resultRow = result.dim(dimension) * inner;
    }

    @Override
    public void run(Object[] arrays, int[] offsets, Object scratch) {
        int last = rowSizes.length;
        Object out = arrays[last];
        int at = offsets[last];
        for (int k = 0; k < rowSizes.length; k++) {
            int n = rowSizes[k];
            for (int o = 0; o < outer; o++) {
                System.arraycopy(arrays[k], offsets[k] + o * n, out, at + o * resultRow, n);
            }
            at += n;
        }
    }
}
