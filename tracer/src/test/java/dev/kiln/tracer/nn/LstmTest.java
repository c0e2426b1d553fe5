package dev.kiln.tracer.nn;

import static dev.kiln.tracer.TestData.assertClose;
import static dev.kiln.tracer.TestData.f32;
import static dev.kiln.tracer.TestData.f64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.KilnException;
import dev.kiln.tracer.Fn2;
import dev.kiln.tracer.Random;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.TestData;
import dev.kiln.tracer.Tracing;
import java.util.List;
import org.junit.jupiter.api.Test;

class LstmTest {
    private static final int I = 5, H = 4, B = 3, T = 6;

    private static Lstm layer(long seed) {
        return new Lstm(TestData.randomF64(seed, 4 * H, I), TestData.randomF64(seed + 1, 4 * H, H),
                TestData.randomF64(seed + 2, 4 * H), TestData.randomF64(seed + 3, 4 * H));
    }

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    /** One LSTM step written out scalar by scalar, from torch.nn.LSTM's equations; returns {h', c'}. */
    private static double[][] scalarStep(Lstm l, double[] x, double[] h, double[] c) {
        double[] wi = l.weightIh().toDoubleArray(), wh = l.weightHh().toDoubleArray();
        double[] bi = l.biasIh().toDoubleArray(), bh = l.biasHh().toDoubleArray();
        double[] h2 = new double[B * H], c2 = new double[B * H];
        for (int b = 0; b < B; b++) {
            for (int j = 0; j < H; j++) {
                double[] gate = new double[4];
                for (int g = 0; g < 4; g++) {
                    int row = g * H + j;
                    double s = bi[row] + bh[row];
                    for (int k = 0; k < I; k++) {
                        s += wi[row * I + k] * x[b * I + k];
                    }
                    for (int k = 0; k < H; k++) {
                        s += wh[row * H + k] * h[b * H + k];
                    }
                    gate[g] = s;
                }
                double in = sigmoid(gate[0]), forget = sigmoid(gate[1]), cand = Math.tanh(gate[2]), out = sigmoid(gate[3]);
                c2[b * H + j] = forget * c[b * H + j] + in * cand;
                h2[b * H + j] = out * Math.tanh(c2[b * H + j]);
            }
        }
        return new double[][] {h2, c2};
    }

    @Test
    void stepMatchesAScalarLoopOverGatesIFGO() {
        Lstm l = layer(1);
        Tensor x = TestData.randomF64(10, B, I), h = TestData.randomF64(11, B, H), c = TestData.randomF64(12, B, H);
        double[][] expected = scalarStep(l, x.toDoubleArray(), h.toDoubleArray(), c.toDoubleArray());
        Lstm.State s = l.step(x, h, c);
        assertClose(f64(B, H), expected[0], s.h(), 1e-12);
        assertClose(f64(B, H), expected[1], s.c(), 1e-12);
    }

    @Test
    void runUnrollsFromAZeroStateAndReturnsEveryHiddenState() {
        Lstm l = layer(2);
        Tensor xs = TestData.randomF64(20, T, B, I);
        Tensor out = l.run(xs);
        assertEquals(f64(T, B, H), out.type());
        double[] h = new double[B * H], c = new double[B * H];
        double[] all = out.toDoubleArray();
        for (int t = 0; t < T; t++) {
            double[][] next = scalarStep(l, xs.index(0, t).toDoubleArray(), h, c);
            h = next[0];
            c = next[1];
            for (int i = 0; i < B * H; i++) {
                assertEquals(h[i], all[t * B * H + i], 1e-12, "t=" + t + " i=" + i);
            }
        }
    }

    @Test
    void unbatchedSequenceGivesTheSameStatesAsABatchOfOne() {
        Lstm l = layer(5);
        Tensor xs = TestData.randomF64(40, T, I);
        Tensor out = l.run(xs);
        assertEquals(f64(T, H), out.type());
        assertClose(l.run(xs.reshape(T, 1, I)).toDoubleArray(), out, 1e-15);
        Lstm.State s = l.step(xs.index(0, 0), Tensor.zeros(dev.kiln.ir.DType.F64, H), Tensor.zeros(dev.kiln.ir.DType.F64, H));
        assertClose(out.index(0, 0).toDoubleArray(), s.h(), 1e-15);
    }

    @Test
    void runInF32AgreesWithF64() {
        Lstm l = layer(3);
        Lstm l32 = new Lstm(l.weightIh().astype(dev.kiln.ir.DType.F32), l.weightHh().astype(dev.kiln.ir.DType.F32),
                l.biasIh().astype(dev.kiln.ir.DType.F32), l.biasHh().astype(dev.kiln.ir.DType.F32));
        Tensor xs = TestData.randomF64(30, T, B, I);
        Tensor out = l32.run(xs.astype(dev.kiln.ir.DType.F32));
        assertEquals(f32(T, B, H), out.type());
        assertClose(l.run(xs).toDoubleArray(), out, 1e-5);
    }

    @Test
    void runTracesTheRecurrenceUnrolled() {
        Fn2<Lstm, Tensor, Tensor> f = Lstm::run;
        Lstm spec = Lstm.init(Random.key(0), I, H);
        var g = Tracing.makeGraph(f.erase(), List.of(spec, f32(T, B, I)));
        assertEquals(List.of(f32(4 * H, I), f32(4 * H, H), f32(4 * H), f32(4 * H), f32(T, B, I)), g.inputTypes());
        assertEquals(f32(T, B, H), g.outputTypes().get(0));
        long dots = g.equations().stream().filter(e -> e.primitive() instanceof dev.kiln.ir.prim.DotGeneral).count();
        assertEquals(1 + T, dots, "one input projection for all steps, one recurrent product per step");
    }

    @Test
    void initIsUniformWithinOneOverSqrtHidden() {
        Lstm l = Lstm.init(Random.key(5), 100, 100);
        assertEquals(f32(400, 100), l.weightIh().type());
        assertEquals(f32(400, 100), l.weightHh().type());
        assertEquals(f32(400), l.biasIh().type());
        assertEquals(f32(400), l.biasHh().type());
        for (Tensor p : List.of(l.weightIh(), l.weightHh(), l.biasIh(), l.biasHh())) {
            assertTrue(p.abs().amax().item() <= 0.1);
        }
        assertEquals(100, l.hiddenSize());
        assertEquals(100, l.inputSize());
    }

    @Test
    void wrongInputShapeIsAnError() {
        Lstm l = layer(4);
        KilnException e = assertThrows(KilnException.class, () -> l.run(Tensor.of(new double[B * H], B, H)));
        assertTrue(e.getMessage().contains("Lstm: input must be time-major [T, B, 5] or [T, 5], got f64[3,4]"), e.getMessage());
        KilnException e2 = assertThrows(KilnException.class,
                () -> l.step(Tensor.of(new double[B * I], B, I), Tensor.of(new double[H], 1, H), Tensor.of(new double[H], 1, H)));
        assertTrue(e2.getMessage().contains("h and c must be [3,4] for input f64[3,5], got f64[1,4] and f64[1,4]"),
                e2.getMessage());
    }
}
