package dev.kiln.tracer.ops;

import static dev.kiln.tracer.TestData.assertClose;
import static dev.kiln.tracer.TestData.f32;
import static dev.kiln.tracer.TestData.f64;
import static dev.kiln.tracer.TestData.i32;
import static dev.kiln.tracer.TestData.unflat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.DType;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.Shape;
import dev.kiln.ir.prim.Gather;
import dev.kiln.tracer.Fn1;
import dev.kiln.tracer.Fn2;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.TestData;
import dev.kiln.tracer.Tracing;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Gather-based lookups, scatter-add and one-hot, eagerly, against plain Java indexing. */
class IndexOpsTest {
    private static final Tensor TABLE = TestData.randomF32(1, 5, 3);
    private static final float[] T = TABLE.toFloatArray();

    @Test
    void takeLooksUpRowsForAnyIndexShape() {
        Tensor ids = Tensor.of(new int[] {4, 0, 0, 2, 1, 4}, 2, 3);
        Tensor r = IndexOps.take(TABLE, ids);
        double[] expected = new double[18];
        int[] idv = ids.toIntArray();
        for (int i = 0; i < 6; i++) {
            for (int d = 0; d < 3; d++) {
                expected[i * 3 + d] = T[idv[i] * 3 + d];
            }
        }
        assertClose(f32(2, 3, 3), expected, r, 0);
        assertClose(f32(3), new double[] {T[6], T[7], T[8]}, IndexOps.take(TABLE, Tensor.scalar(2, DType.I32)), 0);
    }

    @Test
    void takeAlongAnInnerAxisKeepsTheOtherAxesInPlace() {
        Tensor x = TestData.randomF32(2, 2, 4, 3);
        float[] xv = x.toFloatArray();
        Tensor idx = Tensor.of(new int[] {3, 0, 3, 1, 2}, 5);
        int[] iv = idx.toIntArray();
        Tensor r = IndexOps.take(x, idx, 1);
        int[] shape = {2, 5, 3};
        double[] expected = new double[30];
        for (int f = 0; f < 30; f++) {
            int[] o = unflat(shape, f);
            expected[f] = xv[(o[0] * 4 + iv[o[1]]) * 3 + o[2]];
        }
        assertClose(f32(shape), expected, r, 0);
        Tensor last = x.take(Tensor.of(new int[] {2, 0, 1, 2}, 2, 2), -1);
        assertEquals(f32(2, 4, 2, 2), last.type());
        assertEquals(xv[(1 * 4 + 3) * 3 + 1], last.toFloatArray()[TestData.flat(new int[] {2, 4, 2, 2}, 1, 3, 1, 0)]);
    }

    @Test
    void embeddingIsARowLookupWithBatchDimsZero() {
        Tensor ids = Tensor.of(new int[] {1, 3, 3, 0}, 2, 2);
        Tensor e = IndexOps.embedding(TABLE, ids);
        assertEquals(f32(2, 2, 3), e.type());
        assertClose(new double[] {T[3], T[4], T[5], T[9], T[10], T[11], T[9], T[10], T[11], T[0], T[1], T[2]}, e, 0);
        Fn2<Tensor, Tensor, Tensor> f = IndexOps::embedding;
        var g = Tracing.makeGraph(f.erase(), List.of(f32(10, 4), i32(8, 6)));
        assertEquals(List.of(new Gather(0)), g.equations().stream().map(q -> q.primitive()).toList());
    }

    @Test
    void pickTakesOneElementPerRow() {
        Tensor logits = TestData.randomF32(3, 4, 6);
        float[] lv = logits.toFloatArray();
        Tensor labels = Tensor.of(new int[] {5, 0, 2, 2});
        assertClose(f32(4), new double[] {lv[5], lv[6], lv[14], lv[20]}, IndexOps.pick(logits, labels), 0);
        Fn2<Tensor, Tensor, Tensor> f = Tensor::pick;
        var g = Tracing.makeGraph(f.erase(), List.of(f32(8, 10), i32(8)));
        assertEquals(new Gather(1), g.equations().get(0).primitive());
        assertEquals(f32(8), g.outputTypes().get(0));
    }

    @Test
    void pickWithTrailingDimensionsKeepsThem() {
        Tensor x = TestData.randomF32(4, 2, 3, 2);
        float[] xv = x.toFloatArray();
        Tensor r = IndexOps.pick(x, Tensor.of(new int[] {2, 1}));
        assertClose(f32(2, 2), new double[] {xv[4], xv[5], xv[8], xv[9]}, r, 0);
    }

    @Test
    void scatterAddAccumulatesRepeatedIndices() {
        Tensor zeros = Tensor.of(new float[8], 4, 2);
        Tensor idx = Tensor.of(new int[] {1, 3, 1});
        Tensor upd = Tensor.of(new float[] {1, 2, 10, 20, 100, 200}, 3, 2);
        assertClose(f32(4, 2), new double[] {0, 0, 101, 202, 0, 0, 10, 20}, IndexOps.scatterAdd(zeros, idx, upd), 0);
    }

    @Test
    void scatterAddIsTheTransposeOfTake() {
        // <take(t, i), u> == <t, scatterAdd(0, i, u)> for any t and u.
        Tensor idx = Tensor.of(new int[] {4, 0, 4, 2, 2, 2}, 2, 3);
        Tensor u = TestData.randomF64(5, 2, 3, 3);
        Tensor t = TestData.randomF64(6, 5, 3);
        double lhs = IndexOps.take(t, idx).mul(u).sum().item();
        double rhs = t.mul(IndexOps.scatterAdd(Tensor.of(new double[15], 5, 3), idx, u)).sum().item();
        assertEquals(lhs, rhs, 1e-12);
    }

    @Test
    void scatterAddWithBatchDims() {
        Tensor operand = Tensor.of(new float[6], 2, 3);
        Tensor idx = Tensor.of(new int[] {2, 0});
        Tensor upd = Tensor.of(new float[] {5, 7});
        assertClose(f32(2, 3), new double[] {0, 0, 5, 7, 0, 0}, IndexOps.scatterAdd(operand, idx, upd, 1), 0);
    }

    @Test
    void oneHotMarksTheIndexAndZeroesOutOfRange() {
        Tensor labels = Tensor.of(new int[] {2, 0, 3, -1});
        assertClose(f32(4, 3), new double[] {0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0}, labels.oneHot(3), 0);
        Tensor grid = Tensor.of(new int[] {1, 0}, 2, 1);
        assertClose(f64(2, 1, 2), new double[] {0, 1, 1, 0}, IndexOps.oneHot(grid, 2, DType.F64), 0);
        TestData.assertInts(new int[] {2}, new int[] {0, 1}, Tensor.scalar(1, DType.I32).oneHot(2, DType.I32));
    }

    @Test
    void oneHotTracesWithoutGather() {
        Fn1<Tensor, Tensor> f = l -> l.oneHot(10);
        var g = Tracing.makeGraph(f.erase(), List.of(i32(8)));
        assertTrue(g.equations().stream().noneMatch(q -> q.primitive() instanceof Gather));
        assertEquals(f32(8, 10), g.outputTypes().get(0));
    }

    @Test
    void nonIntegerIndicesAreRejectedWithAHint() {
        Tensor floats = Tensor.of(new float[] {1, 2});
        for (var call : List.<Runnable>of(() -> IndexOps.take(TABLE, floats), () -> IndexOps.embedding(TABLE, floats),
                () -> IndexOps.pick(TABLE.slice(0, 0, 2), floats), () -> IndexOps.oneHot(floats, 3, DType.F32),
                () -> IndexOps.scatterAdd(TABLE, floats, TABLE.slice(0, 0, 2)))) {
            KilnException e = assertThrows(KilnException.class, call::run);
            assertTrue(e.getMessage().contains("indices must be i32, got f32[2]"), e.getMessage());
            assertTrue(e.getMessage().contains("astype(DType.I32)"), e.getMessage());
        }
    }

    @Test
    void pickRejectsIndicesThatDoNotMatchTheBatch() {
        KilnException e = assertThrows(KilnException.class, () -> IndexOps.pick(TABLE, Tensor.of(new int[] {1, 2, 3})));
        assertTrue(e.getMessage().contains("pick: indices i32[3] must match the leading dimensions of f32[5,3]"), e.getMessage());
    }

    @Test
    void outOfRangeIndexFailsWhenRun() {
        KilnException e = assertThrows(KilnException.class, () -> IndexOps.take(TABLE, Tensor.of(new int[] {5})));
        assertTrue(e.getMessage().contains("gather"), e.getMessage());
        assertEquals(Shape.of(5, 3), TABLE.shape());
    }
}
