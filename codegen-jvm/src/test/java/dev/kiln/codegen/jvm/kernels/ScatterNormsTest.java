package dev.kiln.codegen.jvm.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.ir.DType;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.ScatterAdd;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class ScatterNormsTest {
    /** Indices with many repeats and both ends of {@code [0, rows)}. */
    static int[] indices(Random rnd, int n, int rows) {
        int[] idx = new int[n];
        for (int j = 0; j < n; j++) {
            idx[j] = switch (rnd.nextInt(4)) {
                case 0 -> 0;
                case 1 -> rows - 1;
                default -> rnd.nextInt(rows);
            };
        }
        return idx;
    }

    /** The squared norm of each batch element of the dense scatter into zeros, by definition, in f64. */
    static double[] denseNorms(IndexKernels.Plan p, int[] idx, float[] upd) {
        double[] dense = new double[p.out().numel()], norms = new double[p.batch()];
        int r = p.rowSize();
        for (int j = 0; j < idx.length; j++) {
            int b = j / p.perBatch();
            for (int e = 0; e < r; e++) {
                dense[(b * p.rows() + idx[j]) * r + e] += upd[j * r + e];
            }
        }
        for (int i = 0; i < dense.length; i++) {
            norms[i / (p.rows() * r)] += dense[i] * dense[i];
        }
        return norms;
    }

    @Property(tries = 100)
    void aScratchKeptZeroStaysZeroAndGivesTheSameNorms(@ForAll long seed) {
        Random rnd = new Random(seed);
        IndexKernelsTest.Case c = IndexKernelsTest.Case.random(rnd, DType.F32);
        TensorType updates = updatesType(c);
        IndexKernels.Plan p = IndexKernels.prepareScatterAdd(new ScatterAdd(c.nb()), c.operand(), c.indices(), updates);
        float[] scratch = new float[ScatterNorms.scratchSize(p)];
        for (int rep = 0; rep < 3; rep++) {
            int[] idx = indices(rnd, c.indices().numel(), c.rows());
            float[] upd = KernelBenchmark.randomArray(updates.numel(), rnd), out = new float[p.batch()];
            double[] expect = denseNorms(p, idx, upd);
            ScatterNorms.squaredNorms(p, idx, 0, upd, 0, out, 0, scratch, false, true);
            for (int b = 0; b < p.batch(); b++) {
                assertEquals(expect[b], out[b], 1e-5 * Math.max(1, expect[b]), "call " + rep + ", example " + b + " of " + c);
            }
            for (float v : scratch) {
                assertEquals(0f, v, "the scratch is left all zeros");
            }
        }
    }

    @Property(tries = 200)
    void normsMatchTheDenseScatterIntoZeros(@ForAll long seed) {
        Random rnd = new Random(seed);
        IndexKernelsTest.Case c = IndexKernelsTest.Case.random(rnd, DType.F32);
        TensorType updates = updatesType(c);
        IndexKernels.Plan p = IndexKernels.prepareScatterAdd(new ScatterAdd(c.nb()), c.operand(), c.indices(), updates);
        int[] idx = indices(rnd, c.indices().numel(), c.rows());
        float[] upd = KernelBenchmark.randomArray(updates.numel(), rnd);
        double[] expect = denseNorms(p, idx, upd);

        // Offsets everywhere, and scratch full of junk: the workspace's scratch is shared with other kernels.
        int[] idxAt = concat(new int[] {7, -3}, idx);
        float[] updAt = concat(new float[] {9f}, upd), out = new float[p.batch() + 2];
        float[] scratch = KernelBenchmark.randomArray(ScatterNorms.scratchSize(p), rnd);
        for (int rep = 0; rep < 2; rep++) {
            ScatterNorms.squaredNorms(p, idxAt, 2, updAt, 1, out, 2, scratch, false);
            for (int b = 0; b < p.batch(); b++) {
                assertEquals(expect[b], out[2 + b], 1e-5 * Math.max(1, expect[b]), "example " + b + " of " + c);
            }
        }

        float u = upd.length > 0 ? upd[0] : 0f;
        float[] same = new float[upd.length], fromScalar = new float[p.batch()];
        Arrays.fill(same, u);
        double[] expectSame = denseNorms(p, idx, same);
        ScatterNorms.squaredNorms(p, idx, 0, new float[] {u}, 0, fromScalar, 0, scratch, true);
        for (int b = 0; b < p.batch(); b++) {
            assertEquals(expectSame[b], fromScalar[b], 1e-4 * Math.max(1, expectSame[b]), "scalar updates, example " + b);
        }

        double[] outD = new double[p.batch()], updD = new double[upd.length];
        for (int i = 0; i < upd.length; i++) {
            updD[i] = upd[i];
        }
        IndexKernels.Plan pd = IndexKernels.prepareScatterAdd(new ScatterAdd(c.nb()), c.operand().withDType(DType.F64),
                c.indices(), updates.withDType(DType.F64));
        double[] scratchD = new double[ScatterNorms.scratchSize(pd)];
        Arrays.fill(scratchD, 3.5);
        ScatterNorms.squaredNorms(pd, idx, 0, updD, 0, outD, 0, scratchD, false);
        for (int b = 0; b < p.batch(); b++) {
            assertEquals(expect[b], outD[b], 1e-12 * Math.max(1, expect[b]), "f64 example " + b + " of " + c);
        }
    }

    @Test
    void tokenCountNormsOfAnEmbeddingAreSumsOfSquaredCounts() {
        int batch = 3, tokens = 300, vocab = 10004;
        TensorType counts = TensorType.of(DType.F32, batch, vocab), idxType = TensorType.of(DType.I32, batch, tokens);
        IndexKernels.Plan p = IndexKernels.prepareScatterAdd(new ScatterAdd(1), counts, idxType,
                TensorType.of(DType.F32, batch, tokens));
        int[] idx = indices(new Random(5), batch * tokens, vocab);
        float[] ones = new float[batch * tokens], out = new float[batch];
        Arrays.fill(ones, 1f);
        ScatterNorms.squaredNorms(p, idx, 0, ones, 0, out, 0, new float[ScatterNorms.scratchSize(p)], false);
        float[] fromScalar = new float[batch];
        ScatterNorms.squaredNorms(p, idx, 0, new float[] {0f, 1f}, 1, fromScalar, 0, new float[ScatterNorms.scratchSize(p)], true);
        assertArrayEquals(out, fromScalar);
        for (int b = 0; b < batch; b++) {
            int[] count = new int[vocab];
            for (int i = 0; i < tokens; i++) {
                count[idx[b * tokens + i]]++;
            }
            assertEquals(Arrays.stream(count).map(k -> k * k).sum(), out[b], "example " + b);
        }
    }

    @Test
    void anOutOfRangeIndexFailsAsScatterAddFails() {
        TensorType operand = TensorType.of(DType.F32, 2, 5), indices = TensorType.of(DType.I32, 2, 20);
        IndexKernels.Plan p = IndexKernels.prepareScatterAdd(new ScatterAdd(1), operand, indices, indices.withDType(DType.F32));
        int[] idx = new int[40];
        idx[23] = 5;
        idx[37] = -1;
        KilnException scatter = assertThrows(KilnException.class,
                () -> IndexKernels.scatterAdd(p, new float[10], 0, idx, 0, new float[40], 0, new float[10], 0));
        KilnException norms = assertThrows(KilnException.class,
                () -> ScatterNorms.squaredNorms(p, idx, 0, new float[40], 0, new float[2], 0, new float[ScatterNorms.scratchSize(p)],
                        false));
        assertEquals(scatter.getMessage(), norms.getMessage());
        assertEquals("scatter_add", norms.operation());
        assertEquals(true, norms.getMessage().contains("index 5 at indices position [1, 3]"), norms.getMessage());
    }

    @Property(tries = 100)
    void aScalarOperandFillsTheOutputAsTheBroadcastWould(@ForAll long seed) {
        Random rnd = new Random(seed);
        IndexKernelsTest.Case c = IndexKernelsTest.Case.random(rnd, DType.I32);
        TensorType updates = updatesType(c);
        int[] idx = indices(rnd, c.indices().numel(), c.rows());
        int fill = rnd.nextInt(7) - 3;
        int[] upd = rnd.ints(updates.numel(), -50, 50).toArray(), full = new int[c.operand().numel()];
        Arrays.fill(full, fill);
        IndexKernels.Plan p = IndexKernels.prepareScatterAdd(new ScatterAdd(c.nb()), c.operand(), c.indices(), updates);
        int[] expect = new int[full.length], actual = new int[full.length + 1];
        IndexKernels.scatterAdd(p, full, 0, idx, 0, upd, 0, expect, 0);
        Arrays.fill(actual, 99);
        IndexKernels.scatterAdd(p.withScalarOperand(), new int[] {5, fill}, 1, idx, 0, upd, 0, actual, 1);
        assertArrayEquals(expect, Arrays.copyOfRange(actual, 1, actual.length));
        assertEquals(99, actual[0]);

        float[] updF = new float[upd.length], outF = new float[full.length];
        double[] updD = new double[upd.length], outD = new double[full.length];
        for (int i = 0; i < upd.length; i++) {
            updF[i] = upd[i];
            updD[i] = upd[i];
        }
        IndexKernels.scatterAdd(IndexKernels.prepareScatterAdd(new ScatterAdd(c.nb()), c.operand().withDType(DType.F32),
                c.indices(), updates.withDType(DType.F32)).withScalarOperand(), new float[] {fill}, 0, idx, 0, updF, 0, outF, 0);
        IndexKernels.scatterAdd(IndexKernels.prepareScatterAdd(new ScatterAdd(c.nb()), c.operand().withDType(DType.F64),
                c.indices(), updates.withDType(DType.F64)).withScalarOperand(), new double[] {fill}, 0, idx, 0, updD, 0, outD, 0);
        for (int i = 0; i < full.length; i++) {
            assertEquals(expect[i], outF[i]);
            assertEquals(expect[i], outD[i]);
        }
    }

    @Test
    void theFirstBadIndexIsNamedWhereverTheVectorCheckFindsIt() {
        for (int n : new int[] {1, 15, 16, 17, 100}) {
            TensorType operand = TensorType.of(DType.F32, 4), indices = TensorType.of(DType.I32, n);
            IndexKernels.Plan p = IndexKernels.prepareScatterAdd(new ScatterAdd(0), operand, indices, indices.withDType(DType.F32));
            for (int bad = 0; bad < n; bad++) {
                int[] idx = new int[n];
                Arrays.fill(idx, 3);
                idx[bad] = bad % 2 == 0 ? 4 : -2;
                if (bad + 1 < n) {
                    idx[n - 1] = 100;
                }
                int at = bad;
                KilnException e = assertThrows(KilnException.class, () -> IndexKernels.scatterAdd(p, new float[4], 0, idx, 0,
                        new float[n], 0, new float[4], 0));
                assertEquals(true, e.getMessage().contains("index " + idx[at] + " at indices position [" + at + "]"),
                        e.getMessage());
            }
            int[] good = new int[n];
            Arrays.fill(good, 3);
            good[0] = 0;
            float[] out = new float[4];
            IndexKernels.scatterAdd(p, new float[4], 0, good, 0, new float[n], 0, out, 0);
        }
    }

    /** Updates {@code [B.., I.., R..]} of a case. */
    private static TensorType updatesType(IndexKernelsTest.Case c) {
        int[] dims = new int[c.indices().rank() + c.operand().rank() - c.nb() - 1];
        int k = 0;
        for (int d = 0; d < c.indices().rank(); d++) {
            dims[k++] = c.indices().dim(d);
        }
        for (int d = c.nb() + 1; d < c.operand().rank(); d++) {
            dims[k++] = c.operand().dim(d);
        }
        return TensorType.of(c.operand().dtype(), dims);
    }

    private static int[] concat(int[] a, int[] b) {
        int[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static float[] concat(float[] a, float[] b) {
        float[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
