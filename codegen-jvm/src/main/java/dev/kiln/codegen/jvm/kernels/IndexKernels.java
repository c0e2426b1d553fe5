package dev.kiln.codegen.jvm.kernels;

import dev.kiln.ir.DType;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.Gather;
import dev.kiln.ir.prim.ScatterAdd;
import dev.kiln.ir.prim.ShapeRules;
import java.util.Arrays;
import java.util.List;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code gather} and {@code scatter_add} with leading batch dims: with operand
 * {@code [B..., V, R...]} and indices {@code [B..., I...]}, rows of {@code R = prod(R...)}
 * elements are copied out of ({@code out[b, i, :] = operand[b, idx[b, i], :]}) or added into
 * ({@code out[b, idx[b, i], :] += updates[b, i, :]}) row {@code idx[b, i]} of batch element b.
 *
 * <p>An index outside {@code [0, V)} throws a {@link KilnException} naming the operation, the
 * index, where it sits and the operand's shape. scatter_add adds in index order (so repeated
 * indices sum as the interpreter sums them) and runs in parallel only across batch elements,
 * whose output rows never overlap. (Splitting one element's rows across lanes, each lane
 * scanning all indices for its own rows, was measured slower on the 2-core machine: the
 * in-range test mispredicts on every other index and costs more than the adds it saves.) scatter_add's output may be the operand's own buffer (the
 * backend's in-place reuse); partially overlapping buffers are not supported. With
 * {@link Plan#scalarOperand()} the operand is one element, which fills the output first (a
 * scatter into a broadcast, zeros above all, needs no broadcast kernel before it).
 */
public final class IndexKernels {
    private IndexKernels() {
    }

    /**
     * The flattened sizes of one gather or scatter_add.
     *
     * @param scalarOperand scatter_add's operand array holds one element, to be broadcast: every
     *                      element of the operand (of type {@code operand}) equals it
     */
    public record Plan(String op, TensorType operand, TensorType indices, TensorType out, int batch, int rows, int perBatch,
                       int rowSize, boolean scalarOperand) {
        /** This scatter_add with its operand passed as the one element all its elements equal. */
        public Plan withScalarOperand() {
            return new Plan(op, operand, indices, out, batch, rows, perBatch, rowSize, true);
        }

        /** Index {@code v} read at flat index position {@code at}: checked against {@code [0, rows)}. */
        void check(int v, int at) {
            if (v < 0 || v >= rows) {
                int[] pos = Im2col.unravel(at, indices.shape().toArray());
                throw new KilnException(op, "index " + v + " at indices position " + Arrays.toString(pos)
                        + " is out of range [0, " + rows + ") for operand " + operand + " (indices " + indices + ")",
                        null, "indices must lie in [0, " + rows + "); check the vocabulary size or the labels");
            }
        }
    }

    /** Plans {@code gather} of operand type {@code operand} at indices of type {@code indices}. */
    public static Plan prepareGather(Gather p, TensorType operand, TensorType indices) {
        TensorType out = ShapeRules.infer(p, List.of(operand, indices));
        return plan("gather", p.batchDims(), operand, indices, out);
    }

    /** Plans {@code scatter_add}; the updates' type is checked by the shape rule. */
    public static Plan prepareScatterAdd(ScatterAdd p, TensorType operand, TensorType indices, TensorType updates) {
        TensorType out = ShapeRules.infer(p, List.of(operand, indices, updates));
        return plan("scatter_add", p.batchDims(), operand, indices, out);
    }

    private static Plan plan(String op, int nb, TensorType operand, TensorType indices, TensorType out) {
        int batch = 1, perBatch = 1, rowSize = 1;
        for (int d = 0; d < nb; d++) {
            batch *= operand.dim(d);
        }
        for (int d = nb; d < indices.rank(); d++) {
            perBatch *= indices.dim(d);
        }
        for (int d = nb + 1; d < operand.rank(); d++) {
            rowSize *= operand.dim(d);
        }
        return new Plan(op, operand, indices, out, batch, operand.dim(nb), perBatch, rowSize, false);
    }

    // ---- gather ----

    public static void gather(Plan p, float[] x, int xo, int[] idx, int io, float[] out, int oo) {
        expect(p, DType.F32);
        boolean oneVector = p.rowSize() == FloatVector.SPECIES_PREFERRED.length();
        Parallel.parallelFor(p.batch() * p.perBatch(), Parallel.grainFor(4L * (p.rowSize() + 1)), (lane, from, to) -> {
            for (int j = from; j < to; j++) {
                int b = j / p.perBatch(), v = idx[io + j];
                p.check(v, j);
                int src = xo + (b * p.rows() + v) * p.rowSize();
                if (oneVector) {
                    // A call of arraycopy costs more than copying one vector's row.
                    FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, x, src).intoArray(out, oo + j * p.rowSize());
                } else {
                    System.arraycopy(x, src, out, oo + j * p.rowSize(), p.rowSize());
                }
            }
        });
    }

    public static void gather(Plan p, double[] x, int xo, int[] idx, int io, double[] out, int oo) {
        expect(p, DType.F64);
        Parallel.parallelFor(p.batch() * p.perBatch(), Parallel.grainFor(4L * (p.rowSize() + 1)), (lane, from, to) -> {
            for (int j = from; j < to; j++) {
                int b = j / p.perBatch(), v = idx[io + j];
                p.check(v, j);
                System.arraycopy(x, xo + (b * p.rows() + v) * p.rowSize(), out, oo + j * p.rowSize(), p.rowSize());
            }
        });
    }

    public static void gather(Plan p, int[] x, int xo, int[] idx, int io, int[] out, int oo) {
        expect(p, DType.I32);
        Parallel.parallelFor(p.batch() * p.perBatch(), Parallel.grainFor(4L * (p.rowSize() + 1)), (lane, from, to) -> {
            for (int j = from; j < to; j++) {
                int b = j / p.perBatch(), v = idx[io + j];
                p.check(v, j);
                System.arraycopy(x, xo + (b * p.rows() + v) * p.rowSize(), out, oo + j * p.rowSize(), p.rowSize());
            }
        });
    }

    // ---- scatter_add ----

    public static void scatterAdd(Plan p, float[] x, int xo, int[] idx, int io, float[] upd, int uo, float[] out, int oo) {
        expect(p, DType.F32);
        checkAll(p, idx, io);
        int batchSize = p.rows() * p.rowSize();
        Parallel.parallelFor(p.batch(), Parallel.grainFor(4L * (p.perBatch() + p.rows()) * p.rowSize()), (lane, from, to) -> {
            if (p.scalarOperand()) {
                Arrays.fill(out, oo + from * batchSize, oo + to * batchSize, x[xo]);
            } else if (x != out || xo != oo) {
                System.arraycopy(x, xo + from * batchSize, out, oo + from * batchSize, (to - from) * batchSize);
            }
            for (int b = from; b < to; b++) {
                for (int i = 0; i < p.perBatch(); i++) {
                    int j = b * p.perBatch() + i;
                    addRow(upd, uo + j * p.rowSize(), out, oo + (b * p.rows() + idx[io + j]) * p.rowSize(), p.rowSize());
                }
            }
        });
    }

    public static void scatterAdd(Plan p, double[] x, int xo, int[] idx, int io, double[] upd, int uo, double[] out, int oo) {
        expect(p, DType.F64);
        checkAll(p, idx, io);
        int batchSize = p.rows() * p.rowSize();
        Parallel.parallelFor(p.batch(), Parallel.grainFor(4L * (p.perBatch() + p.rows()) * p.rowSize()), (lane, from, to) -> {
            if (p.scalarOperand()) {
                Arrays.fill(out, oo + from * batchSize, oo + to * batchSize, x[xo]);
            } else if (x != out || xo != oo) {
                System.arraycopy(x, xo + from * batchSize, out, oo + from * batchSize, (to - from) * batchSize);
            }
            for (int b = from; b < to; b++) {
                for (int i = 0; i < p.perBatch(); i++) {
                    int j = b * p.perBatch() + i;
                    addRow(upd, uo + j * p.rowSize(), out, oo + (b * p.rows() + idx[io + j]) * p.rowSize(), p.rowSize());
                }
            }
        });
    }

    public static void scatterAdd(Plan p, int[] x, int xo, int[] idx, int io, int[] upd, int uo, int[] out, int oo) {
        expect(p, DType.I32);
        checkAll(p, idx, io);
        int batchSize = p.rows() * p.rowSize();
        Parallel.parallelFor(p.batch(), Parallel.grainFor(4L * (p.perBatch() + p.rows()) * p.rowSize()), (lane, from, to) -> {
            if (p.scalarOperand()) {
                Arrays.fill(out, oo + from * batchSize, oo + to * batchSize, x[xo]);
            } else if (x != out || xo != oo) {
                System.arraycopy(x, xo + from * batchSize, out, oo + from * batchSize, (to - from) * batchSize);
            }
            for (int b = from; b < to; b++) {
                for (int i = 0; i < p.perBatch(); i++) {
                    int j = b * p.perBatch() + i;
                    addRow(upd, uo + j * p.rowSize(), out, oo + (b * p.rows() + idx[io + j]) * p.rowSize(), p.rowSize());
                }
            }
        });
    }

    /**
     * Checks every index before anything is written, so a bad index leaves the output untouched:
     * their minimum and maximum on vectors, then, only if one is out of range, a scan for the
     * first bad one (the one the error names, as the interpreter names it).
     */
    static void checkAll(Plan p, int[] idx, int io) {
        int n = p.batch() * p.perBatch(), j = 0;
        VectorSpecies<Integer> s = IntVector.SPECIES_PREFERRED;
        IntVector lo = IntVector.broadcast(s, 0), hi = IntVector.broadcast(s, p.rows() - 1);
        for (int bound = s.loopBound(n); j < bound; j += s.length()) {
            IntVector v = IntVector.fromArray(s, idx, io + j);
            lo = lo.min(v);
            hi = hi.max(v);
        }
        int min = lo.reduceLanes(VectorOperators.MIN), max = hi.reduceLanes(VectorOperators.MAX);
        for (; j < n; j++) {
            min = Math.min(min, idx[io + j]);
            max = Math.max(max, idx[io + j]);
        }
        if (min < 0 || max >= p.rows()) {
            for (int k = 0; k < n; k++) {
                p.check(idx[io + k], k);
            }
        }
    }

    private static void expect(Plan p, DType d) {
        if (p.operand().dtype() != d) {
            throw new IllegalStateException(p.op() + " planned for " + p.operand() + " run on " + d + " arrays");
        }
    }

    private static void addRow(float[] src, int s, float[] dst, int d, int n) {
        if (n == FloatVector.SPECIES_PREFERRED.length()) {
            // One vector a row (an embedding of 16 on AVX-512): the loop's bounds cost as much as the add.
            FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, dst, d)
                    .add(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, src, s)).intoArray(dst, d);
            return;
        }
        int j = 0;
        for (int bound = FloatVector.SPECIES_PREFERRED.loopBound(n); j < bound; j += FloatVector.SPECIES_PREFERRED.length()) {
            FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, dst, d + j)
                    .add(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, src, s + j)).intoArray(dst, d + j);
        }
        for (; j < n; j++) {
            dst[d + j] += src[s + j];
        }
    }

    private static void addRow(double[] src, int s, double[] dst, int d, int n) {
        int j = 0;
        for (int bound = DoubleVector.SPECIES_PREFERRED.loopBound(n); j < bound; j += DoubleVector.SPECIES_PREFERRED.length()) {
            DoubleVector.fromArray(DoubleVector.SPECIES_PREFERRED, dst, d + j)
                    .add(DoubleVector.fromArray(DoubleVector.SPECIES_PREFERRED, src, s + j)).intoArray(dst, d + j);
        }
        for (; j < n; j++) {
            dst[d + j] += src[s + j];
        }
    }

    private static void addRow(int[] src, int s, int[] dst, int d, int n) {
        int j = 0;
        for (int bound = IntVector.SPECIES_PREFERRED.loopBound(n); j < bound; j += IntVector.SPECIES_PREFERRED.length()) {
            IntVector.fromArray(IntVector.SPECIES_PREFERRED, dst, d + j)
                    .add(IntVector.fromArray(IntVector.SPECIES_PREFERRED, src, s + j)).intoArray(dst, d + j);
        }
        for (; j < n; j++) {
            dst[d + j] += src[s + j];
        }
    }
}
