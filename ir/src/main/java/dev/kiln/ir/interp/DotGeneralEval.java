package dev.kiln.ir.interp;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Shape;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.DotGeneral;
import java.util.stream.IntStream;

/**
 * Evaluation of dot_general. Both operands are first transposed into canonical layouts, lhs
 * {@code [batch, free, contract]} and rhs {@code [batch, contract, free]} (each group of dimensions
 * flattened, in the order the primitive names them), which turns any dot_general into a batched
 * matrix product {@code [B,M,K] x [B,K,N] -> [B,M,N]} whose row-major layout is already the
 * result's. Floating-point products accumulate in double over k in ascending order and round once;
 * i32 products wrap modulo 2^32.
 */
final class DotGeneralEval {
    private DotGeneralEval() {
    }

    static ArrayData dotGeneral(DotGeneral p, ArrayData lhs, ArrayData rhs, TensorType out) {
        Shape ls = lhs.shape(), rs = rhs.shape();
        Ints lhsFree = free(ls.rank(), p.lhsContract(), p.lhsBatch());
        Ints rhsFree = free(rs.rank(), p.rhsContract(), p.rhsBatch());
        int[] lhsMap = transposeMap(ls, concat(p.lhsBatch(), lhsFree, p.lhsContract()));
        int[] rhsMap = transposeMap(rs, concat(p.rhsBatch(), p.rhsContract(), rhsFree));
        int b = sizeOf(ls, p.lhsBatch());
        int m = sizeOf(ls, lhsFree);
        int k = sizeOf(ls, p.lhsContract());
        int n = sizeOf(rs, rhsFree);
        if (lhs.dtype().isFloating()) {
            double[] a = Buffers.permute(Buffers.doubles(lhs), lhsMap);
            double[] c = Buffers.permute(Buffers.doubles(rhs), rhsMap);
            return Buffers.fromDoubles(out, matmul(a, c, b, m, k, n));
        }
        int[] a = Buffers.permute(Buffers.ints(lhs), lhsMap);
        int[] c = Buffers.permute(Buffers.ints(rhs), rhsMap);
        return ArrayData.wrap(out, matmul(a, c, b, m, k, n));
    }

    /** {@code out[b,i,j] = sum_k a[b,i,k] * c[b,k,j]}, accumulating whole rows of the result at once. */
    private static double[] matmul(double[] a, double[] c, int batches, int m, int k, int n) {
        double[] out = new double[batches * m * n];
        for (int b = 0; b < batches; b++) {
            for (int i = 0; i < m; i++) {
                int row = (b * m + i) * n;
                for (int kk = 0; kk < k; kk++) {
                    double av = a[(b * m + i) * k + kk];
                    int cRow = (b * k + kk) * n;
                    for (int j = 0; j < n; j++) {
                        out[row + j] += av * c[cRow + j];
                    }
                }
            }
        }
        return out;
    }

    private static int[] matmul(int[] a, int[] c, int batches, int m, int k, int n) {
        int[] out = new int[batches * m * n];
        for (int b = 0; b < batches; b++) {
            for (int i = 0; i < m; i++) {
                int row = (b * m + i) * n;
                for (int kk = 0; kk < k; kk++) {
                    int av = a[(b * m + i) * k + kk];
                    int cRow = (b * k + kk) * n;
                    for (int j = 0; j < n; j++) {
                        out[row + j] += av * c[cRow + j];
                    }
                }
            }
        }
        return out;
    }

    /** The operand index map of {@code transpose(x, order)}. */
    private static int[] transposeMap(Shape s, int[] order) {
        int[] xStrides = s.strides();
        int[] dims = new int[order.length];
        int[] strides = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            dims[i] = s.dim(order[i]);
            strides[i] = xStrides[order[i]];
        }
        return IndexMaps.affine(Shape.of(dims), 0, strides);
    }

    /** The dimensions of a rank-{@code rank} operand that are neither contracted nor batch, in order. */
    private static Ints free(int rank, Ints contract, Ints batch) {
        return Ints.of(IntStream.range(0, rank)
                .filter(d -> !contract.contains(d) && !batch.contains(d)).toArray());
    }

    private static int[] concat(Ints a, Ints b, Ints c) {
        return IntStream.concat(IntStream.concat(a.stream(), b.stream()), c.stream()).toArray();
    }

    private static int sizeOf(Shape s, Ints dims) {
        int p = 1;
        for (int i = 0; i < dims.size(); i++) {
            p *= s.dim(dims.get(i));
        }
        return p;
    }
}
