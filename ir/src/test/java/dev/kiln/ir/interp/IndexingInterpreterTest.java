package dev.kiln.ir.interp;

import static dev.kiln.ir.interp.TestData.assertExact;
import static dev.kiln.ir.interp.TestData.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.GraphBuilder;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.SourceLocation;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.Gather;
import dev.kiln.ir.prim.ScatterAdd;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IndexingInterpreterTest {

    private record Case(int batchDims, int[] operand, int[] indices, int[] rows) {
    }

    /** operand [B..., V, R...], indices [B..., I...], rows (the gathered shape) [B..., I..., R...]. */
    private static Case randomCase(Random rnd) {
        int nb = rnd.nextInt(3), ni = rnd.nextInt(3), nr = rnd.nextInt(3);
        int[] b = TestData.randomShape(rnd, nb, 3), i = TestData.randomShape(rnd, ni, 4), r = TestData.randomShape(rnd, nr, 3);
        int v = 1 + rnd.nextInt(6);
        int[] operand = concat(b, new int[] {v}, r), indices = concat(b, i), rows = concat(b, i, r);
        return new Case(nb, operand, indices, rows);
    }

    private static int[] concat(int[]... parts) {
        return java.util.Arrays.stream(parts).flatMapToInt(java.util.Arrays::stream).toArray();
    }

    private static ArrayData randomIndices(Random rnd, Case k) {
        ArrayData idx = ArrayData.zeros(TensorType.of(DType.I32, k.indices()));
        for (int j = 0; j < idx.size(); j++) {
            idx.setInt(j, rnd.nextInt(k.operand()[k.batchDims()]));
        }
        return idx;
    }

    /** The operand coordinate read by (written from) gathered coordinate {@code o}. */
    private static int[] source(Case k, ArrayData idx, int[] o) {
        int nb = k.batchDims(), ni = k.indices().length - nb;
        int[] src = new int[k.operand().length];
        System.arraycopy(o, 0, src, 0, nb);
        src[nb] = (int) at(idx, java.util.Arrays.copyOf(o, nb + ni));
        System.arraycopy(o, nb + ni, src, nb + 1, src.length - nb - 1);
        return src;
    }

    @Test
    void gatherMatchesNaiveWithBatchDims() {
        Random rnd = new Random(60);
        for (int c = 0; c < 80; c++) {
            DType dt = new DType[] {DType.F32, DType.F64, DType.I32}[c % 3];
            Case k = randomCase(rnd);
            ArrayData x = TestData.random(rnd, dt, k.operand()), idx = randomIndices(rnd, k);
            ArrayData expected = TestData.fromFunction(dt, k.rows(), o -> at(x, source(k, idx, o)));
            assertExact(expected, TestData.run(new Gather(k.batchDims()), x, idx), "gather " + x.type() + " at " + idx.type());
        }
    }

    @Test
    void scatterAddMatchesNaiveWithBatchDimsAndRepeatedIndices() {
        Random rnd = new Random(61);
        for (int c = 0; c < 80; c++) {
            DType dt = new DType[] {DType.F32, DType.F64, DType.I32}[c % 3];
            Case k = randomCase(rnd);
            ArrayData x = TestData.random(rnd, dt, k.operand()), idx = randomIndices(rnd, k);
            ArrayData updates = TestData.random(rnd, dt, k.rows());
            double[] acc = x.toDoubleArray();
            for (int j = 0; j < updates.size(); j++) {
                int[] src = source(k, idx, TestData.unflat(j, k.rows()));
                acc[TestData.flat(src, k.operand())] += updates.getDouble(j);
            }
            ArrayData expected = TestData.fromFunction(dt, k.operand(), i -> acc[TestData.flat(i, k.operand())]);
            TestData.assertClose(expected, TestData.run(new ScatterAdd(k.batchDims()), x, idx, updates),
                    "scatter_add " + x.type() + " at " + idx.type());
        }
    }

    @Test
    void embeddingLookupAndItsGradient() {
        ArrayData table = ArrayData.of(new float[] {0, 1, 10, 11, 20, 21}, 3, 2);
        ArrayData tokens = ArrayData.of(new int[] {2, 0, 2}, 3);
        assertExact(ArrayData.of(new float[] {20, 21, 0, 1, 20, 21}, 3, 2), TestData.run(new Gather(0), table, tokens), "lookup");
        ArrayData grad = ArrayData.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
        assertExact(ArrayData.of(new float[] {3, 4, 0, 0, 6, 8}, 3, 2),
                TestData.run(new ScatterAdd(0), ArrayData.zeros(table.type()), tokens, grad), "repeated rows add up");
    }

    @Test
    void outOfRangeIndicesAreReportedWithIndexAndShape() {
        ArrayData x = ArrayData.zeros(TensorType.of(DType.F32, 5, 3));
        for (int bad : new int[] {5, -1}) {
            ArrayData idx = ArrayData.of(new int[] {0, bad}, 2);
            KilnException g = assertThrows(KilnException.class, () -> TestData.run(new Gather(0), x, idx));
            assertEquals("gather", g.operation());
            assertTrue(g.getMessage().contains("index " + bad) && g.getMessage().contains("f32[5,3]"), g.getMessage());
            ArrayData upd = ArrayData.zeros(TensorType.of(DType.F32, 2, 3));
            KilnException s = assertThrows(KilnException.class, () -> TestData.run(new ScatterAdd(0), x, idx, upd));
            assertEquals("scatter_add", s.operation());
            assertTrue(s.getMessage().contains("index " + bad) && s.getMessage().contains("f32[5,3]"), s.getMessage());
        }
    }

    @Test
    void outOfRangeErrorPointsAtTheEquationsSourceLine() {
        GraphBuilder b = new GraphBuilder();
        Var x = b.addInput(TensorType.of(DType.F64, 4));
        Var i = b.addInput(TensorType.of(DType.I32, 1));
        SourceLocation line = new SourceLocation("demo.Model", "embed", "Model.java", 42);
        Var y = b.addEquation(new Gather(0), List.of(x, i), line);
        KilnException e = assertThrows(KilnException.class, () -> Interpreter.run(b.build(List.of(y)),
                List.of(ArrayData.zeros(TensorType.of(DType.F64, 4)), ArrayData.of(new int[] {9}, 1))));
        assertEquals(line, e.source());
        assertTrue(e.getMessage().contains("Model.java:42"), e.getMessage());
    }
}
