package dev.kiln.tracer.ops;

import static dev.kiln.tracer.TestData.assertClose;
import static dev.kiln.tracer.TestData.bool;
import static dev.kiln.tracer.TestData.f32;
import static dev.kiln.tracer.TestData.f64;
import static dev.kiln.tracer.TestData.i32;
import static dev.kiln.tracer.TestData.resultType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.DType;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.Shape;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.BroadcastInDim;
import dev.kiln.tracer.Fn1;
import dev.kiln.tracer.Fn2;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.Tracing;
import java.util.List;
import org.junit.jupiter.api.Test;

class BroadcastingTest {

    @Test
    void promotionFollowsBoolIntFloatDoubleOrder() {
        DType[] order = {DType.BOOL, DType.I32, DType.F32, DType.F64};
        for (int i = 0; i < order.length; i++) {
            for (int j = 0; j < order.length; j++) {
                assertEquals(order[Math.max(i, j)], Broadcasting.promote(order[i], order[j]), order[i] + " with " + order[j]);
            }
        }
    }

    @Test
    void shapesBroadcastAlignedAtTheRight() {
        assertEquals(Shape.of(2, 3), Broadcasting.shapes("t", "x", Shape.of(2, 3), Shape.of(3)));
        assertEquals(Shape.of(4, 2, 3), Broadcasting.shapes("t", "x", Shape.of(4, 1, 3), Shape.of(2, 1)));
        assertEquals(Shape.of(5, 4), Broadcasting.shapes("t", "x", Shape.scalar(), Shape.of(5, 4)));
        assertEquals(Shape.of(0, 3), Broadcasting.shapes("t", "x", Shape.of(0, 1), Shape.of(3)));
        assertEquals(Shape.of(2, 3, 4), Broadcasting.shapes("t", "x", Shape.of(3, 1), Shape.of(2, 1, 4), Shape.of(1)));
    }

    @Test
    void incompatibleShapesNameBothOperandsAndTheDimension() {
        KilnException e = assertThrows(KilnException.class,
                () -> resultType((a, b) -> a.add(b), f32(2, 3), f32(4)));
        assertTrue(e.getMessage().contains("add: cannot broadcast f32[2,3] with f32[4]"), e.getMessage());
        assertTrue(e.getMessage().contains("dimension 1"), e.getMessage());
    }

    @Test
    void binaryOperationsPromoteTensorDtypes() {
        assertEquals(f32(3), resultType((a, b) -> a.add(b), i32(3), f32(3)));
        assertEquals(f64(2, 3), resultType((a, b) -> a.mul(b), f32(2, 3), f64(3)));
        assertEquals(i32(3), resultType((a, b) -> a.sub(b), bool(3), i32(3)));
        assertEquals(bool(2, 3), resultType((a, b) -> a.lt(b), i32(2, 1), f32(3)));
    }

    @Test
    void javaNumbersAreWeakAndTakeTheTensorsDtype() {
        assertEquals(f32(3), resultType(a -> a.add(2.5), f32(3)));
        assertEquals(f64(3), resultType(a -> a.add(2.5), f64(3)));
        assertEquals(i32(3), resultType(a -> a.mul(2), i32(3)));
        assertEquals(i32(3), resultType(a -> a.add(1), bool(3)));
        assertEquals(bool(3), resultType(a -> a.gt(1), i32(3)));
    }

    @Test
    void fractionalJavaNumberNextToIntegersGivesF32() {
        assertEquals(f32(3), resultType(a -> a.mul(0.5), i32(3)));
        assertEquals(f32(3), resultType(a -> a.add(0.5), bool(3)));
    }

    @Test
    void powAndFloatOnlyUnaryOpsOnIntegersGiveF32() {
        assertEquals(f32(3), resultType(a -> a.pow(2), i32(3)));
        assertEquals(f32(3), resultType(Tensor::exp, i32(3)));
        assertEquals(i32(3), resultType(Tensor::abs, i32(3)));
    }

    @Test
    void weakScalarIsALiteralNotABroadcast() {
        Fn1<Tensor, Tensor> f = a -> a.mul(2.0);
        var g = Tracing.makeGraph(f.erase(), List.of(f32(4, 5)));
        assertEquals(1, g.equations().size(), "one mul, the scalar inline");
        assertEquals("2.0:f32", g.equations().get(0).input(1).toString());
    }

    @Test
    void broadcastOfAnOperandIsOneBroadcastInDimWithTrailingAlignment() {
        Fn2<Tensor, Tensor, Tensor> f = Tensor::add;
        var g = Tracing.makeGraph(f.erase(), List.of(f32(4, 2, 3), f32(2, 1)));
        var eq = g.equations().get(0);
        assertEquals(new BroadcastInDim(Shape.of(4, 2, 3), dev.kiln.ir.Ints.of(1, 2)), eq.primitive());
        assertEquals(TensorType.of(DType.F32, 4, 2, 3), eq.out().type());
    }

    @Test
    void broadcastValuesRepeatAlongStretchedDimensions() {
        Tensor col = Tensor.of(new float[] {1, 2}, 2, 1);
        Tensor row = Tensor.of(new float[] {10, 20, 30}, 3);
        assertClose(f32(2, 3), new double[] {11, 21, 31, 12, 22, 32}, col.add(row), 0);
    }

    @Test
    void mixedDtypeArithmeticConvertsBeforeComputing() {
        Tensor ints = Tensor.of(new int[] {1, 2, 3});
        Tensor halves = Tensor.of(new double[] {0.5, 0.25, 0.125});
        assertClose(f64(3), new double[] {1.5, 2.25, 3.125}, ints.add(halves), 0);
        assertClose(f32(3), new double[] {0.5, 1, 1.5}, ints.mul(0.5), 0);
        assertClose(i32(3), new double[] {3, 4, 5}, ints.add(2), 0);
    }
}
