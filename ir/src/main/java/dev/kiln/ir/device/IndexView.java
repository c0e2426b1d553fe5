package dev.kiln.ir.device;

import dev.kiln.ir.Shape;

/**
 * gather's and scatter_add's operands seen as {@code operand [B, V, R]} and {@code indices [B, I]}:
 * {@code batches} = B (the product of the batch dimensions), {@code rows} = V (the indexed
 * dimension), {@code rowSize} = R (the product of the rest), {@code perBatch} = I. The device
 * backends generate their indexing kernels over this view.
 */
public record IndexView(int batches, int rows, int rowSize, int perBatch) {
    public static IndexView of(int batchDims, Shape operand, Shape indices) {
        int b = 1;
        for (int d = 0; d < batchDims; d++) {
            b *= operand.dim(d);
        }
        int r = 1;
        for (int d = batchDims + 1; d < operand.rank(); d++) {
            r *= operand.dim(d);
        }
        return new IndexView(b, operand.dim(batchDims), r, b == 0 ? 0 : indices.numel() / b);
    }
}
