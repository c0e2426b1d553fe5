package dev.kiln.ir.device;

import dev.kiln.ir.KilnException;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.kernel.LibraryKernel;
import java.util.Arrays;

/**
 * What an index-checking device launch (gather, scatter_add) checks, so the host can turn the
 * error flag it raised ({@code [id, index, flat position]}) into an error naming the operation,
 * the bad index, where it sits among the indices and the operand's range.
 */
public record IndexCheck(String operation, TensorType operand, TensorType indices, int batchDims) {

    /** The check of library kernel {@code lib}, whose operands are {@code (operand, indices, ...)}. */
    public static IndexCheck of(LibraryKernel lib, String operation, int batchDims) {
        return new IndexCheck(operation, lib.operands().get(0).type(), lib.operands().get(1).type(), batchDims);
    }

    /** The error for index {@code index} found at flat position {@code flat} of the indices. */
    public KilnException failure(int index, int flat) {
        int[] dims = indices.shape().toArray();
        int[] at = new int[dims.length];
        for (int d = dims.length - 1, rest = flat; d >= 0; d--) {
            at[d] = rest % dims[d];
            rest /= dims[d];
        }
        int rows = operand.dim(batchDims);
        return new KilnException(operation, "index " + index + " at indices position " + Arrays.toString(at)
                + " is out of range [0, " + rows + ") for operand " + operand + " (batch_dims " + batchDims
                + ", indexed dimension " + batchDims + ")", null,
                "indices must lie in [0, " + rows + "); check the vocabulary size or the labels");
    }
}
