package dev.kiln.codegen.jvm.kernels;

import dev.kiln.ir.DType;
import dev.kiln.ir.Ints;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.DotGeneral;
import dev.kiln.ir.prim.ShapeRules;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * {@code dot_general} as a batched GEMM, prepared once per (primitive, operand types).
 *
 * <p>Any dot_general is {@code out[b, i, j] = sum_p lhs[b, i, p] * rhs[b, p, j]} once its batch,
 * free and contracting dimensions are each flattened into one index. When an operand's dims of
 * each kind sit in memory as one strided run (in the order the output or the pairing needs),
 * the GEMM reads it in place through strides, transposed or not; otherwise the operand is first
 * permuted into scratch as {@code [batch, free, contract]} (lhs) or {@code [batch, contract, free]}
 * (rhs). Contracting pairs may be reordered jointly to avoid that copy.
 *
 * <p>All buffers are (array, offset) pairs in the backend's dtype arenas; one run needs
 * {@link #scratchSize()} elements of scratch of the operands' dtype, and calls from several
 * threads at once are safe when each has its own output and scratch.
 */
public final class DotGeneralKernel {
    private final DType dtype;
    private final TensorType outType;
    private final OperandView lhs;
    private final OperandView rhs;
    private final BatchedGemm gemm;

    /** How an operand is read: in place with strides, or permuted into scratch first. */
    private record OperandView(boolean permuted, int[] sizes, int[] strides, int packedSize,
                               BatchedGemm.Strides gemmStrides) {
    }

    private DotGeneralKernel(DType dtype, TensorType outType, OperandView lhs, OperandView rhs, BatchedGemm gemm) {
        this.dtype = dtype;
        this.outType = outType;
        this.lhs = lhs;
        this.rhs = rhs;
        this.gemm = gemm;
    }

    /** Plans {@code p} on operands of types {@code l} and {@code r} (validated by the shape rule). */
    public static DotGeneralKernel prepare(DotGeneral p, TensorType l, TensorType r) {
        TensorType out = ShapeRules.infer(p, List.of(l, r));
        int[] contractOrder = contractOrder(p, l, r);
        int[] lc = pick(p.lhsContract(), contractOrder), rc = pick(p.rhsContract(), contractOrder);
        int[] lb = p.lhsBatch().toArray(), rb = p.rhsBatch().toArray();
        int[] lf = free(l.rank(), lb, lc), rf = free(r.rank(), rb, rc);
        int batch = product(l, lb), m = product(l, lf), n = product(r, rf), k = product(l, lc);
        OperandView lv = view(l, lb, lf, lc, false);
        OperandView rv = view(r, rb, rc, rf, true);
        BatchedGemm gemm = BatchedGemm.of(batch, m, n, k, lv.gemmStrides(), rv.gemmStrides(),
                new BatchedGemm.Strides(m * n, n, 1));
        return new DotGeneralKernel(l.dtype(), out, lv, rv, gemm);
    }

    public TensorType outType() {
        return outType;
    }

    /** Elements of scratch (of the operands' dtype) one run needs. */
    public int scratchSize() {
        int permuted = lhs.packedSize() + rhs.packedSize();
        return dtype == DType.F32 ? permuted + gemm.scratchSize() : permuted;
    }

    public void run(float[] l, int lOff, float[] r, int rOff, float[] out, int outOff, float[] scratch, int scratchOff) {
        expect(DType.F32);
        int s = scratchOff;
        if (lhs.permuted()) {
            Permute.copy(l, lOff, lhs.sizes(), lhs.strides(), scratch, s);
            l = scratch;
            lOff = s;
            s += lhs.packedSize();
        }
        if (rhs.permuted()) {
            Permute.copy(r, rOff, rhs.sizes(), rhs.strides(), scratch, s);
            r = scratch;
            rOff = s;
            s += rhs.packedSize();
        }
        gemm.run(l, lOff, r, rOff, out, outOff, false, scratch, s);
    }

    public void run(double[] l, int lOff, double[] r, int rOff, double[] out, int outOff, double[] scratch,
                    int scratchOff) {
        expect(DType.F64);
        int s = scratchOff;
        if (lhs.permuted()) {
            Permute.copy(l, lOff, lhs.sizes(), lhs.strides(), scratch, s);
            l = scratch;
            lOff = s;
            s += lhs.packedSize();
        }
        if (rhs.permuted()) {
            Permute.copy(r, rOff, rhs.sizes(), rhs.strides(), scratch, s);
            r = scratch;
            rOff = s;
        }
        gemm.run(l, lOff, r, rOff, out, outOff, false);
    }

    public void run(int[] l, int lOff, int[] r, int rOff, int[] out, int outOff, int[] scratch, int scratchOff) {
        expect(DType.I32);
        int s = scratchOff;
        if (lhs.permuted()) {
            Permute.copy(l, lOff, lhs.sizes(), lhs.strides(), scratch, s);
            l = scratch;
            lOff = s;
            s += lhs.packedSize();
        }
        if (rhs.permuted()) {
            Permute.copy(r, rOff, rhs.sizes(), rhs.strides(), scratch, s);
            r = scratch;
            rOff = s;
        }
        gemm.run(l, lOff, r, rOff, out, outOff, false);
    }

    private void expect(DType d) {
        if (d != dtype) {
            throw new IllegalStateException("dot_general kernel prepared for " + dtype + " run on " + d + " arrays");
        }
    }

    @Override
    public String toString() {
        return "dot_general kernel -> " + outType + " as " + gemm + (lhs.permuted() ? " (lhs permuted)" : "")
                + (rhs.permuted() ? " (rhs permuted)" : "");
    }

    // ---- planning ----

    /**
     * Reads the operand as groups (outer, middle, inner) of dims, each group flattened to one
     * index: lhs (batch, free, contract), rhs (batch, contract, free). In place when each group
     * merges into one stride; otherwise permuted into that order in scratch.
     */
    private static OperandView view(TensorType t, int[] g0, int[] g1, int[] g2, boolean rhs) {
        int[] dims = t.shape().toArray(), strides = Permute.rowMajorStrides(dims);
        int s0 = merge(dims, strides, g0), s1 = merge(dims, strides, g1), s2 = merge(dims, strides, g2);
        int n1 = product(t, g1), n2 = product(t, g2);
        if (s0 >= 0 && s1 >= 0 && s2 >= 0) {
            // batch stride, then (rows, cols): lhs rows are the free group, rhs rows the contracting one
            return new OperandView(false, null, null, 0, new BatchedGemm.Strides(s0, s1, s2));
        }
        int[] perm = concat(g0, g1, g2);
        int packed = t.numel();
        BatchedGemm.Strides dense = new BatchedGemm.Strides(n1 * n2, n2, 1);
        return new OperandView(true, Permute.permutedDims(dims, perm), Permute.permutedStrides(dims, perm), packed, dense);
    }

    /**
     * The stride of the flattened index over {@code group} (in that order), or -1 when those dims
     * are not one strided run. Size-1 dims are ignored; an empty group has stride 1.
     */
    static int merge(int[] dims, int[] strides, int[] group) {
        int stride = -1, prevStride = -1;
        for (int d : group) {
            if (dims[d] == 1) {
                continue;
            }
            if (prevStride >= 0 && prevStride != strides[d] * dims[d]) {
                return -1;
            }
            prevStride = strides[d];
            stride = strides[d];
        }
        return stride < 0 ? 1 : stride;
    }

    /**
     * An order of the contracting pairs in which both operands' contracting dims form one strided
     * run, if one exists among: as given, in lhs memory order, in rhs memory order.
     */
    private static int[] contractOrder(DotGeneral p, TensorType l, TensorType r) {
        int n = p.lhsContract().size();
        int[] ld = l.shape().toArray(), rd = r.shape().toArray();
        int[] ls = Permute.rowMajorStrides(ld), rs = Permute.rowMajorStrides(rd);
        List<int[]> candidates = new ArrayList<>();
        candidates.add(identity(n));
        candidates.add(sortedBy(n, i -> -ls[p.lhsContract().get(i)]));
        candidates.add(sortedBy(n, i -> -rs[p.rhsContract().get(i)]));
        for (int[] order : candidates) {
            if (merge(ld, ls, pick(p.lhsContract(), order)) >= 0 && merge(rd, rs, pick(p.rhsContract(), order)) >= 0) {
                return order;
            }
        }
        return identity(n);
    }

    private static int[] sortedBy(int n, java.util.function.IntUnaryOperator key) {
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, Comparator.comparingInt(key::applyAsInt));
        return Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
    }

    private static int[] identity(int n) {
        int[] o = new int[n];
        for (int i = 0; i < n; i++) {
            o[i] = i;
        }
        return o;
    }

    private static int[] pick(Ints dims, int[] order) {
        int[] out = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            out[i] = dims.get(order[i]);
        }
        return out;
    }

    private static int[] free(int rank, int[] batch, int[] contract) {
        return java.util.stream.IntStream.range(0, rank)
                .filter(d -> Arrays.stream(batch).noneMatch(x -> x == d) && Arrays.stream(contract).noneMatch(x -> x == d))
                .toArray();
    }

    private static int product(TensorType t, int[] dims) {
        long p = 1;
        for (int d : dims) {
            p *= t.dim(d);
        }
        return (int) p;
    }

    private static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }
}
