package com.example.tracer;

import static com.example.tracer.UserLines.says;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.ir.DType;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.TensorType;
import dev.kiln.tracer.Fn2;
import dev.kiln.tracer.Random;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.Tracing;
import dev.kiln.tracer.nn.Functional;
import dev.kiln.tracer.nn.Linear;
import dev.kiln.tracer.ops.ConvOps;
import dev.kiln.tracer.ops.IndexOps;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Every error a user can make with the Tensor API names the operation, the shapes or dtypes
 * involved, and the user's own line (here: this file and the line of the failing call).
 */
class ErrorMessagesTest {
    private static final String FILE = "ErrorMessagesTest.java";
    private static final Tensor M23 = Tensor.of(new float[6], 2, 3);
    private static final Tensor V3 = Tensor.of(new float[3]);
    private static final Tensor V4 = Tensor.of(new float[4]);

    private static KilnException failsHere(Executable body) {
        return UserLines.failsHere(FILE, body);
    }

    private static Tensor f32(int... shape) {
        return Tensor.of(new float[TensorType.of(DType.F32, shape).numel()], shape);
    }

    @Test
    void broadcastingFailure() {
        KilnException e = failsHere(() -> M23.add(V4));
        says(e, "add", "cannot broadcast f32[2,3] with f32[4]", "dimension 1 of the result would be both 3 and 4",
                "hint: shapes broadcast when");
    }

    @Test
    void dataThatDoesNotFillItsShape() {
        says(failsHere(() -> Tensor.of(new float[5], 2, 3)), "Tensor.of", "5 values do not fill shape [2, 3]");
    }

    @Test
    void broadcastToAnIncompatibleShape() {
        says(failsHere(() -> M23.broadcastTo(4, 3, 3)), "broadcastTo", "cannot broadcast f32[2,3] to [4,3,3]");
    }

    @Test
    void matmulInnerDimensionMismatchHintsAtTheWeightLayout() {
        KilnException e = failsHere(() -> f32(8, 104).matmul(f32(50, 2)));
        says(e, "matmul", "inner dimensions do not match: f32[8,104] @ f32[50,2] (104 vs 50)", "Linear weights are [out, in]");
    }

    @Test
    void dotGeneralContractingMismatchFromTheShapeRule() {
        KilnException e = failsHere(() -> Tensor.dotGeneral(M23, f32(4, 5), new int[] {1}, new int[] {0}, new int[0], new int[0]));
        says(e, "dot_general", "contracting dims do not match: lhs f32[2,3] dim 1 (3) vs rhs f32[4,5] dim 0 (4)");
    }

    @Test
    void dtypeMismatchForABitwiseOperation() {
        says(failsHere(() -> V3.logicalAnd(V3)), "and", "needs i32 or bool operands, got f32[3], f32[3]");
    }

    @Test
    void whereNeedsABoolCondition() {
        says(failsHere(() -> Tensor.where(V3, V3, V3)), "where", "condition must be bool, got f32[3]", "x.gt(0)");
    }

    @Test
    void boolArithmeticIsRejected() {
        Tensor b = Tensor.of(new boolean[] {true});
        says(failsHere(() -> b.abs()), "abs", "is not defined on bool, got bool[1]");
    }

    @Test
    void badAxis() {
        says(failsHere(() -> M23.sum(2)), "sum", "axis 2 is out of range for f32[2,3] (rank 2)", "valid axes are -2 to 1");
        says(failsHere(() -> M23.sum(0, -2)), "sum", "axis 0 named twice in [0, -2] for f32[2,3]");
        says(failsHere(() -> M23.argmax(-3)), "argmax", "axis -3 is out of range for f32[2,3]");
    }

    @Test
    void outOfRangeSliceAndIndex() {
        says(failsHere(() -> V3.slice(0, 1, 5)), "slice", "[1:5:1] is out of range for axis 0 of f32[3] (size 3)");
        says(failsHere(() -> V3.index(0, 3)), "index", "index 3 is out of range for axis 0 of f32[3]");
    }

    @Test
    void reshapeMismatch() {
        says(failsHere(() -> M23.reshape(4, 2)), "reshape", "cannot reshape f32[2,3] (6 elements) to [4,2] (8 elements)");
        says(failsHere(() -> M23.reshape(-1, 4)), "reshape", "cannot reshape f32[2,3] to [-1, 4]");
    }

    @Test
    void badPermutationAndSqueeze() {
        says(failsHere(() -> M23.transpose(0, 0)), "transpose", "[0, 0] is not a permutation of the axes of f32[2,3]");
        says(failsHere(() -> M23.squeeze(0)), "squeeze", "axis 0 of f32[2,3] has size 2, not 1");
    }

    @Test
    void concatOfMismatchedShapes() {
        says(failsHere(() -> Tensor.concat(0, M23, f32(2, 4))), "concatenate", "operand shapes differ outside dimension 0",
                "f32[2,3], f32[2,4]");
        says(failsHere(() -> Tensor.stack(0, V3, V4)), "stack", "tensors must have equal shapes, got f32[3] and f32[4]");
    }

    @Test
    void einsumWithTheWrongRank() {
        says(failsHere(() -> Tensor.einsum("ij,jk->ik", V3, M23)), "einsum", "'ij,jk->ik': operand 0 f32[3] has rank 1");
    }

    @Test
    void conv2dChannelMismatch() {
        KilnException e = failsHere(() -> ConvOps.conv2d(f32(8, 3, 32, 32), f32(32, 1, 3, 3), 1, 1));
        says(e, "conv2d", "input has 3 channels but weight [32,1,3,3] expects 1 x groups 1", "f32[8,3,32,32]");
    }

    @Test
    void conv2dKernelLargerThanThePaddedInput() {
        KilnException e = failsHere(() -> ConvOps.conv2d(f32(1, 1, 3, 3), f32(1, 1, 5, 5), 1, 0));
        says(e, "conv2d", "kernel 5x5 is larger than the padded input 3x3", "f32[1,1,3,3]");
    }

    @Test
    void conv2dWrongRank() {
        says(failsHere(() -> ConvOps.conv2d(f32(3, 28, 28), f32(16, 3, 3, 3), 1, 0)), "conv2d",
                "input must be [N, C, H, W], got f32[3,28,28]", "expandDims(0)");
        says(failsHere(() -> ConvOps.maxPool2d(f32(1, 1, 2, 2), 3, 1, 0)), "maxPool2d", "kernel 3x3 is larger than the padded input 2x2");
    }

    @Test
    void linearLayerFeatureMismatchPointsPastTheNnPackage() {
        Linear l = new Linear(f32(2, 50), f32(2));
        says(failsHere(() -> l.apply(f32(8, 104))), "Linear", "input f32[8,104] has 104 features", "weight f32[2,50] expects 50");
    }

    @Test
    void nonIntegerIndicesAndLabels() {
        says(failsHere(() -> IndexOps.take(M23, V3)), "take", "indices must be i32, got f32[3]");
        says(failsHere(() -> Functional.crossEntropy(M23, V3)), "crossEntropy", "labels must be i32[2] for logits f32[2,3], got f32[3]");
    }

    @Test
    void malformedRandomKey() {
        says(failsHere(() -> Random.normal(V3, 4)), "Random.normal", "a key must be i32[2]", "got f32[3]");
    }

    @Test
    void shapeErrorInsideATracedFunctionPointsAtTheLineInTheFunction() {
        Fn2<Tensor, Tensor, Tensor> f = (a, b) -> Tensor.dotGeneral(a, b, new int[] {1}, new int[] {1}, new int[0], new int[0]);
        int line = UserLines.line() - 1;
        KilnException e = org.junit.jupiter.api.Assertions.assertThrows(KilnException.class,
                () -> Tracing.trace(f.erase(), List.of(TensorType.of(DType.F32, 2, 3), TensorType.of(DType.F32, 4, 5)), "jit(f)"));
        says(e, "dot_general", "lhs f32[2,3] dim 1 (3) vs rhs f32[4,5] dim 1 (5)", "(" + FILE + ":" + line + ")");
    }
}
