package dev.kiln.ir.device;

import dev.kiln.ir.Ints;
import dev.kiln.ir.Shape;
import dev.kiln.ir.prim.DotGeneral;
import java.util.stream.IntStream;

/**
 * A dot_general as a batched matrix product {@code C[b,m,n] = sum_k A[b,m,k] * B[b,k,n]} that
 * reads its operands in place: {@code A[b,m,k]} is lhs element {@code lhsBatch(b) + lhsRows(m) +
 * lhsDepth(k)}, {@code B[b,k,n]} is rhs element {@code rhsBatch(b) + rhsDepth(k) + rhsCols(n)}.
 * The result {@code [batch dims, lhs free dims, rhs free dims]} is exactly {@code C} in row-major
 * order. GPU backends tile this product through fast on-chip memory.
 *
 * @param batch the product of the batch dimensions
 * @param m     the product of the lhs free dimensions
 * @param n     the product of the rhs free dimensions
 * @param k     the product of the contracting dimensions
 */
public record GemmLayout(int batch, int m, int n, int k, StridedIndex lhsBatch, StridedIndex lhsRows,
                         StridedIndex lhsDepth, StridedIndex rhsBatch, StridedIndex rhsDepth, StridedIndex rhsCols) {

    public static GemmLayout of(DotGeneral p, Shape lhs, Shape rhs) {
        Ints lhsFree = free(lhs.rank(), p.lhsContract(), p.lhsBatch());
        Ints rhsFree = free(rhs.rank(), p.rhsContract(), p.rhsBatch());
        return new GemmLayout(size(lhs, p.lhsBatch()), size(lhs, lhsFree), size(rhs, rhsFree), size(lhs, p.lhsContract()),
                group(lhs, p.lhsBatch()), group(lhs, lhsFree), group(lhs, p.lhsContract()),
                group(rhs, p.rhsBatch()), group(rhs, p.rhsContract()), group(rhs, rhsFree));
    }

    /** Lhs element of {@code A[b,i,kk]} (for tests and host code). */
    public long lhsOffset(int b, int i, int kk) {
        return lhsBatch.offset(b) + lhsRows.offset(i) + lhsDepth.offset(kk);
    }

    /** Rhs element of {@code B[b,kk,j]}. */
    public long rhsOffset(int b, int kk, int j) {
        return rhsBatch.offset(b) + rhsDepth.offset(kk) + rhsCols.offset(j);
    }

    private static StridedIndex group(Shape s, Ints dims) {
        int[] strides = s.strides();
        int[] sz = new int[dims.size()], st = new int[dims.size()];
        for (int i = 0; i < dims.size(); i++) {
            sz[i] = s.dim(dims.get(i));
            st[i] = strides[dims.get(i)];
        }
        return StridedIndex.of(sz, st);
    }

    private static Ints free(int rank, Ints contract, Ints batch) {
        return Ints.of(IntStream.range(0, rank).filter(d -> !contract.contains(d) && !batch.contains(d)).toArray());
    }

    private static int size(Shape s, Ints dims) {
        int p = 1;
        for (int i = 0; i < dims.size(); i++) {
            p *= s.dim(dims.get(i));
        }
        return p;
    }
}
