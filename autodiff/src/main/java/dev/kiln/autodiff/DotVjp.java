package dev.kiln.autodiff;

import dev.kiln.ir.Ints;
import dev.kiln.ir.prim.DotGeneral;
import dev.kiln.tracer.Tensor;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The VJP of {@code dot_general}: each operand's cotangent is another {@code dot_general} of the
 * result cotangent with the other operand, contracting over the other operand's free dimensions
 * and batching over the batch dimensions, then a transpose back to the operand's layout (JAX's
 * {@code _dot_general_transpose_lhs/rhs}).
 */
final class DotVjp {
    private DotVjp() {
    }

    static Tensor[] dotGeneral(DotGeneral d, VjpCall c) {
        Tensor[] out = c.none();
        Tensor g = c.ct();
        if (c.needs(0)) {
            out[0] = transposeLhs(c.e(), g, c.in(1), c.inType(0).rank(),
                    d.lhsContract(), d.rhsContract(), d.lhsBatch(), d.rhsBatch(), false);
        }
        if (c.needs(1)) {
            // The rhs is the lhs of the swapped product; its dims come last in the result.
            out[1] = transposeLhs(c.e(), g, c.in(0), c.inType(1).rank(),
                    d.rhsContract(), d.lhsContract(), d.rhsBatch(), d.lhsBatch(), true);
        }
        return out;
    }

    /**
     * The cotangent of operand {@code x} of a product with {@code y}, where the result {@code g}
     * holds [batch, x free, y free] dimensions ([batch, y free, x free] when {@code swapped}).
     */
    private static Tensor transposeLhs(Emitter e, Tensor g, Tensor y, int xRank,
                                       Ints xContract, Ints yContract, Ints xBatch, Ints yBatch, boolean swapped) {
        int[] xFree = free(xRank, xContract, xBatch);
        int[] yFree = free(y.rank(), yContract, yBatch);
        int nb = xBatch.size();
        int yFreeStart = swapped ? nb : nb + xFree.length;
        int[] gBatch = IntStream.range(0, nb).toArray();
        int[] gYFree = IntStream.range(yFreeStart, yFreeStart + yFree.length).toArray();
        Tensor r = e.bind(new DotGeneral(Ints.of(gYFree), Ints.of(yFree), Ints.of(gBatch), yBatch), g, y);
        // r is [batch, x free, y's contracting dims in y order]; map each back to x's dimension.
        int[] yContractSorted = yContract.toArray();
        Arrays.sort(yContractSorted);
        int[] order = new int[xRank];
        int k = 0;
        for (int i = 0; i < nb; i++) {
            order[k++] = xBatch.get(i);
        }
        for (int f : xFree) {
            order[k++] = f;
        }
        for (int yd : yContractSorted) {
            order[k++] = xContract.get(yContract.indexOf(yd));
        }
        return e.transpose(r, Emitter.inverse(order));
    }

    private static int[] free(int rank, Ints contract, Ints batch) {
        return IntStream.range(0, rank).filter(i -> !contract.contains(i) && !batch.contains(i)).toArray();
    }
}
