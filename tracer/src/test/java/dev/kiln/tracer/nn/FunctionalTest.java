package dev.kiln.tracer.nn;

import static dev.kiln.tracer.TestData.assertClose;
import static dev.kiln.tracer.TestData.f32;
import static dev.kiln.tracer.TestData.i32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.KilnException;
import dev.kiln.ir.prim.Gather;
import dev.kiln.tracer.Fn2;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.TestData;
import dev.kiln.tracer.Tracing;
import java.util.List;
import org.junit.jupiter.api.Test;

class FunctionalTest {
    private static final Tensor LOGITS = TestData.randomF32(1, 4, 5).mul(3);
    private static final float[] L = LOGITS.toFloatArray();
    private static final Tensor LABELS = Tensor.of(new int[] {4, 0, 2, 2});

    private static double logSumExp(int row) {
        double s = 0;
        for (int c = 0; c < 5; c++) {
            s += Math.exp(L[row * 5 + c]);
        }
        return Math.log(s);
    }

    @Test
    void softmaxAndLogSoftmaxMatchTheirDefinitions() {
        double[] soft = new double[20], logSoft = new double[20];
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 5; c++) {
                logSoft[r * 5 + c] = L[r * 5 + c] - logSumExp(r);
                soft[r * 5 + c] = Math.exp(logSoft[r * 5 + c]);
            }
        }
        assertClose(f32(4, 5), soft, Functional.softmax(LOGITS, 1), 1e-6);
        assertClose(f32(4, 5), logSoft, LOGITS.logSoftmax(-1), 1e-6);
        assertClose(f32(4, 5), soft, LOGITS.softmax(-1), 1e-6);
        assertClose(f32(5), new double[] {1, 1, 1, 1, 1}, LOGITS.softmax(0).sum(0), 1e-6);
    }

    @Test
    void crossEntropyIsPerExampleNaturalLogLoss() {
        int[] y = LABELS.toIntArray();
        double[] expected = new double[4];
        double mean = 0;
        for (int r = 0; r < 4; r++) {
            expected[r] = logSumExp(r) - L[r * 5 + y[r]];
            mean += expected[r] / 4;
        }
        assertClose(f32(4), expected, Functional.crossEntropy(LOGITS, LABELS), 1e-6);
        assertClose(f32(), new double[] {mean}, Functional.crossEntropyMean(LOGITS, LABELS), 1e-6);
    }

    @Test
    void crossEntropyPicksTheLabelWithAGatherNotAOneHot() {
        Fn2<Tensor, Tensor, Tensor> f = Functional::crossEntropy;
        var g = Tracing.makeGraph(f.erase(), List.of(f32(8, 10), i32(8)));
        assertEquals(1, g.equations().stream().filter(e -> e.primitive().equals(new Gather(1))).count());
        assertEquals(f32(8), g.outputTypes().get(0));
    }

    @Test
    void crossEntropyOfLargeLogitsStaysFinite() {
        Tensor big = Tensor.of(new float[] {1000, 0, -1000, 0}, 2, 2);
        assertClose(new double[] {0, 1000}, Functional.crossEntropy(big, Tensor.of(new int[] {0, 0})), 1e-6);
    }

    @Test
    void accuracyCountsArgmaxHits() {
        Tensor logits = Tensor.of(new float[] {0, 1, 5, 2, 3, 3, 9, 0}, 4, 2);
        Tensor labels = Tensor.of(new int[] {1, 0, 0, 1});
        // argmax per row: 1, 0, 0 (first of a tie), 0.
        assertClose(f32(), new double[] {0.75}, Functional.accuracy(logits, labels), 0);
    }

    @Test
    void flattenKeepsTheBatchDimension() {
        Tensor x = TestData.randomF32(2, 8, 32, 4, 4);
        Tensor y = Functional.flatten(x);
        assertEquals(f32(8, 512), y.type());
        assertClose(x.toDoubleArray(), y, 0);
    }

    @Test
    void mseLossAndRelu() {
        Tensor p = Tensor.of(new float[] {1, 2, 3}), t = Tensor.of(new float[] {1, 0, 5});
        assertClose(f32(), new double[] {8.0 / 3}, Functional.mseLoss(p, t), 1e-6);
        assertClose(new double[] {0, 0, 2}, Functional.relu(Tensor.of(new float[] {-1, 0, 2})), 0);
    }

    @Test
    void labelsOfTheWrongShapeOrDtypeAreRejected() {
        KilnException e = assertThrows(KilnException.class, () -> Functional.crossEntropy(LOGITS, Tensor.of(new int[] {1, 2})));
        assertTrue(e.getMessage().contains("crossEntropy: labels must be i32[4] for logits f32[4,5], got i32[2]"), e.getMessage());
        KilnException e2 = assertThrows(KilnException.class, () -> Functional.crossEntropy(LOGITS, Tensor.of(new float[4])));
        assertTrue(e2.getMessage().contains("got f32[4]"), e2.getMessage());
        assertThrows(KilnException.class, () -> Functional.mseLoss(LOGITS, LABELS));
    }
}
