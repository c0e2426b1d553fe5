package dev.kiln.codegen.jvm.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.DType;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.Gather;
import dev.kiln.ir.prim.ScatterAdd;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class IndexKernelsTest {

    /** Random operand [B..., V, R...] and indices [B..., I...] for {@code nb} batch dims. */
    record Case(int nb, TensorType operand, TensorType indices) {
        static Case random(Random rnd, DType dtype) {
            int nb = rnd.nextInt(3), ni = rnd.nextInt(3), nr = rnd.nextInt(3);
            int[] op = new int[nb + 1 + nr], ix = new int[nb + ni];
            for (int d = 0; d < nb; d++) {
                op[d] = ix[d] = 1 + rnd.nextInt(3);
            }
            op[nb] = 1 + rnd.nextInt(6);
            for (int d = 0; d < nr; d++) {
                op[nb + 1 + d] = 1 + rnd.nextInt(rnd.nextBoolean() ? 40 : 4);
            }
            for (int d = 0; d < ni; d++) {
                ix[nb + d] = 1 + rnd.nextInt(4);
            }
            return new Case(nb, TensorType.of(dtype, op), TensorType.of(DType.I32, ix));
        }

        int rows() {
            return operand.dim(nb);
        }

        int rowSize() {
            return operand.numel() / Math.max(1, batch() * rows());
        }

        int batch() {
            int b = 1;
            for (int d = 0; d < nb; d++) {
                b *= operand.dim(d);
            }
            return b;
        }
    }

    @Property(tries = 200)
    void gatherAndScatterAddMatchDefinition(@ForAll long seed) {
        Random rnd = new Random(seed);
        Case c = Case.random(rnd, DType.F32);
        int[] idx = rnd.ints(c.indices().numel(), 0, c.rows()).toArray();
        float[] x = KernelBenchmark.randomArray(c.operand().numel(), rnd);
        IndexKernels.Plan g = IndexKernels.prepareGather(new Gather(c.nb()), c.operand(), c.indices());
        int perBatch = c.indices().numel() / c.batch(), r = c.rowSize();
        float[] out = new float[g.out().numel() + 1];
        IndexKernels.gather(g, x, 0, idx, 0, out, 1);
        for (int j = 0; j < c.indices().numel(); j++) {
            int b = j / perBatch;
            for (int e = 0; e < r; e++) {
                assertEquals(x[(b * c.rows() + idx[j]) * r + e], out[1 + j * r + e]);
            }
        }

        float[] upd = KernelBenchmark.randomArray(g.out().numel(), rnd);
        double[] expect = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            expect[i] = x[i];
        }
        for (int j = 0; j < c.indices().numel(); j++) {
            int b = j / perBatch;
            for (int e = 0; e < r; e++) {
                expect[(b * c.rows() + idx[j]) * r + e] += upd[j * r + e];
            }
        }
        IndexKernels.Plan s = IndexKernels.prepareScatterAdd(new ScatterAdd(c.nb()), c.operand(), c.indices(), g.out());
        float[] sum = new float[x.length + 3];
        IndexKernels.scatterAdd(s, x, 0, idx, 0, upd, 0, sum, 3);
        for (int i = 0; i < x.length; i++) {
            assertEquals(expect[i], sum[3 + i], 1e-5);
        }
        float[] inPlace = x.clone();
        IndexKernels.scatterAdd(s, inPlace, 0, idx, 0, upd, 0, inPlace, 0);
        for (int i = 0; i < x.length; i++) {
            assertEquals(sum[3 + i], inPlace[i]);
        }
    }

    @Property(tries = 100)
    void f64AndI32GatherAndScatterAddMatchF32(@ForAll long seed) {
        Random rnd = new Random(seed);
        Case c = Case.random(rnd, DType.I32);
        int[] idx = rnd.ints(c.indices().numel(), 0, c.rows()).toArray();
        int[] x = rnd.ints(c.operand().numel(), -100, 100).toArray();
        IndexKernels.Plan gi = IndexKernels.prepareGather(new Gather(c.nb()), c.operand(), c.indices());
        IndexKernels.Plan gd = IndexKernels.prepareGather(new Gather(c.nb()), c.operand().withDType(DType.F64), c.indices());
        int[] outI = new int[gi.out().numel()];
        double[] outD = new double[gi.out().numel()];
        IndexKernels.gather(gi, x, 0, idx, 0, outI, 0);
        IndexKernels.gather(gd, toDouble(x), 0, idx, 0, outD, 0);
        assertArrayEquals(toDouble(outI), outD);
        int[] upd = rnd.ints(outI.length, -100, 100).toArray();
        int[] sumI = new int[x.length];
        double[] sumD = new double[x.length];
        IndexKernels.scatterAdd(IndexKernels.prepareScatterAdd(new ScatterAdd(c.nb()), c.operand(), c.indices(), gi.out()),
                x, 0, idx, 0, upd, 0, sumI, 0);
        IndexKernels.scatterAdd(IndexKernels.prepareScatterAdd(new ScatterAdd(c.nb()), c.operand().withDType(DType.F64),
                c.indices(), gd.out()), toDouble(x), 0, idx, 0, toDouble(upd), 0, sumD, 0);
        assertArrayEquals(toDouble(sumI), sumD);
    }

    /**
     * Large scatters of one or two batch elements with one-vector rows (a summed embedding
     * gradient): rows at both ends and repeats sum every update in index order, bit for bit.
     */
    @Test
    void largeScatterAddOfFewBatchElementsMatchesDefinitionExactly() {
        Random rnd = new Random(11);
        for (int batch : new int[] {1, 2}) {
            int rows = 2001, row = 16, n = 40000;
            TensorType operand = batch == 1 ? TensorType.of(DType.F32, rows, row) : TensorType.of(DType.F32, batch, rows, row);
            TensorType indices = batch == 1 ? TensorType.of(DType.I32, n) : TensorType.of(DType.I32, batch, n);
            int nb = batch == 1 ? 0 : 1;
            int[] idx = ScatterNormsTest.indices(rnd, batch * n, rows);
            float[] x = KernelBenchmark.randomArray(operand.numel(), rnd), upd = KernelBenchmark.randomArray(batch * n * row, rnd);
            float[] expect = x.clone();
            for (int j = 0; j < idx.length; j++) {
                for (int e = 0; e < row; e++) {
                    expect[((j / n) * rows + idx[j]) * row + e] += upd[j * row + e];
                }
            }
            TensorType updates = TensorType.of(DType.F32, batch * n, row);
            IndexKernels.Plan p = IndexKernels.prepareScatterAdd(new ScatterAdd(nb), operand, indices,
                    batch == 1 ? updates : TensorType.of(DType.F32, batch, n, row));
            float[] out = new float[x.length];
            IndexKernels.scatterAdd(p, x, 0, idx, 0, upd, 0, out, 0);
            assertArrayEquals(expect, out, "batch " + batch);
            IndexKernels.scatterAdd(p, x, 0, idx, 0, upd, 0, x, 0);
            assertArrayEquals(expect, x, "in place, batch " + batch);
        }
    }

    static double[] toDouble(int[] x) {
        return java.util.Arrays.stream(x).asDoubleStream().toArray();
    }

    @Test
    void outOfRangeIndexThrowsKilnExceptionNamingOpIndexAndShape() {
        TensorType operand = TensorType.of(DType.F32, 2, 5, 3), indices = TensorType.of(DType.I32, 2, 4);
        IndexKernels.Plan g = IndexKernels.prepareGather(new Gather(1), operand, indices);
        int[] idx = {0, 1, 2, 3, 4, 5, 0, 1};
        KilnException e = assertThrows(KilnException.class,
                () -> IndexKernels.gather(g, new float[30], 0, idx, 0, new float[24], 0));
        assertEquals("gather", e.operation());
        assertTrue(e.getMessage().contains("index 5") && e.getMessage().contains("f32[2,5,3]")
                && e.getMessage().contains("[1, 1]"), e.getMessage());

        IndexKernels.Plan s = IndexKernels.prepareScatterAdd(new ScatterAdd(1), operand, indices, g.out());
        float[] out = new float[30];
        int[] negative = {0, 1, 2, 3, -1, 0, 0, 0};
        KilnException se = assertThrows(KilnException.class,
                () -> IndexKernels.scatterAdd(s, new float[30], 0, negative, 0, new float[24], 0, out, 0));
        assertEquals("scatter_add", se.operation());
        assertTrue(se.getMessage().contains("index -1"), se.getMessage());
    }

    @Test
    void perExampleEmbeddingGradientSumsRepeatedTokens() {
        // batch of 3 sequences of 6 tokens over a vocabulary of 4, embedding width 20
        TensorType table = TensorType.of(DType.F32, 3, 4, 20), tokens = TensorType.of(DType.I32, 3, 6);
        IndexKernels.Plan s = IndexKernels.prepareScatterAdd(new ScatterAdd(1), table, tokens,
                TensorType.of(DType.F32, 3, 6, 20));
        int[] idx = {1, 1, 1, 0, 2, 1, 3, 3, 3, 3, 3, 3, 0, 1, 2, 3, 0, 0};
        float[] upd = new float[3 * 6 * 20];
        java.util.Arrays.fill(upd, 1f);
        float[] out = new float[3 * 4 * 20];
        IndexKernels.scatterAdd(s, new float[out.length], 0, idx, 0, upd, 0, out, 0);
        assertEquals(4f, out[(0 * 4 + 1) * 20 + 7]);
        assertEquals(6f, out[(1 * 4 + 3) * 20 + 19]);
        assertEquals(0f, out[(1 * 4 + 0) * 20]);
        assertEquals(3f, out[(2 * 4 + 0) * 20 + 5]);
    }
}
