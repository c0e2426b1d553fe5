package dev.kiln.privacy.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.KilnException;
import dev.kiln.privacy.TrainState;
import dev.kiln.runtime.Kiln;
import dev.kiln.tracer.Fn2;
import dev.kiln.tracer.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The update rules against values computed by hand from PyTorch's documented algorithms
 * (torch.optim.SGD and torch.optim.Adam), in double precision, over several steps.
 */
class OptimizersTest {
    record P(Tensor w, Tensor b) {
    }

    private static final float[] W0 = {0.5f, -1.25f, 2.0f};
    private static final float[] B0 = {0.1f};
    /** Gradients for three steps, fixed (not a function of the parameters: enough for the rule). */
    private static final float[][] GW = {{0.3f, -0.7f, 1.1f}, {-0.2f, 0.4f, 0.9f}, {0.05f, -0.6f, -1.3f}};
    private static final float[][] GB = {{0.25f}, {-0.5f}, {0.125f}};

    private static P params() {
        return new P(Tensor.of(W0), Tensor.of(B0));
    }

    private static P grads(int t) {
        return new P(Tensor.of(GW[t]), Tensor.of(GB[t]));
    }

    /** Runs three jitted steps of {@code opt} and returns the weight after each. */
    private static <S> List<float[]> run(Optimizer<P, S> opt) {
        Fn2<TrainState<P, S>, P, TrainState<P, S>> step = Kiln.jit(opt::update);
        TrainState<P, S> s = opt.start(params());
        List<float[]> out = new java.util.ArrayList<>();
        for (int t = 0; t < 3; t++) {
            s = step.apply(s, grads(t));
            out.add(concat(s.params().w().toFloatArray(), s.params().b().toFloatArray()));
        }
        return out;
    }

    private static float[] concat(float[] a, float[] b) {
        float[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static double[] p0() {
        return new double[] {W0[0], W0[1], W0[2], B0[0]};
    }

    private static double g(int t, int i) {
        return i < 3 ? GW[t][i] : GB[t][0];
    }

    private static void assertClose(double[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 2e-6 * Math.max(1, Math.abs(expected[i])), what + " element " + i);
        }
    }

    @Test
    void sgdWithWeightDecayMatchesTorch() {
        double lr = 0.1;
        double wd = 0.01;
        List<float[]> got = run(new Sgd<>(lr, wd));
        double[] p = p0();
        for (int t = 0; t < 3; t++) {
            for (int i = 0; i < 4; i++) {
                p[i] -= lr * (g(t, i) + wd * p[i]);
            }
            assertClose(p, got.get(t), "sgd step " + (t + 1));
        }
    }

    @Test
    void momentumMatchesTorchIncludingFirstStepAndDampening() {
        double lr = 0.05;
        double mu = 0.9;
        double damp = 0.3;
        double wd = 0.02;
        List<float[]> got = run(new Momentum<>(lr, mu, damp, wd, false));
        double[] p = p0();
        double[] buf = new double[4];
        for (int t = 0; t < 3; t++) {
            for (int i = 0; i < 4; i++) {
                double d = g(t, i) + wd * p[i];
                buf[i] = t == 0 ? d : mu * buf[i] + (1 - damp) * d;
                p[i] -= lr * buf[i];
            }
            assertClose(p, got.get(t), "momentum step " + (t + 1));
        }
    }

    @Test
    void nesterovMatchesTorch() {
        double lr = 0.05;
        double mu = 0.8;
        List<float[]> got = run(new Momentum<>(lr, mu, 0, 0, true));
        double[] p = p0();
        double[] buf = new double[4];
        for (int t = 0; t < 3; t++) {
            for (int i = 0; i < 4; i++) {
                double d = g(t, i);
                buf[i] = t == 0 ? d : mu * buf[i] + d;
                p[i] -= lr * (d + mu * buf[i]);
            }
            assertClose(p, got.get(t), "nesterov step " + (t + 1));
        }
    }

    @Test
    void momentumOnAConstantGradientFollowsTheGeometricSeries() {
        // g = 1 always, lr 0.1, momentum 0.9: buffers 1, 1.9, 2.71; p = -0.1, -0.29, -0.561.
        Momentum<Tensor> opt = Momentum.of(0.1, 0.9);
        TrainState<Tensor, Momentum.State<Tensor>> s = opt.start(Tensor.zeros(1));
        double[] expected = {-0.1, -0.29, -0.561};
        for (double e : expected) {
            s = opt.update(s, Tensor.ones(1));
            assertEquals(e, s.params().item(), 1e-6);
        }
        assertEquals(3, s.optState().step().item());
    }

    @Test
    void adamMatchesTorchWithBiasCorrectionAndWeightDecay() {
        double lr = 0.01;
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        double wd = 0.1;
        List<float[]> got = run(new Adam<>(lr, b1, b2, eps, wd));
        double[] p = p0();
        double[] m = new double[4];
        double[] v = new double[4];
        for (int t = 1; t <= 3; t++) {
            for (int i = 0; i < 4; i++) {
                double d = g(t - 1, i) + wd * p[i];
                m[i] = b1 * m[i] + (1 - b1) * d;
                v[i] = b2 * v[i] + (1 - b2) * d * d;
                double stepSize = lr / (1 - Math.pow(b1, t));
                double denom = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(b2, t)) + eps;
                p[i] -= stepSize * m[i] / denom;
            }
            assertClose(p, got.get(t - 1), "adam step " + t);
        }
    }

    @Test
    void adamFirstStepMovesEachCoordinateByTheLearningRate() {
        // After one step m_hat = g and v_hat = g^2, so the update is lr * g / (|g| + eps).
        Adam<Tensor> opt = Adam.of(0.001);
        TrainState<Tensor, Adam.State<Tensor>> s = opt.update(opt.start(Tensor.zeros(3)), Tensor.of(new float[] {4f, -0.02f, 1e3f}));
        assertArrayEquals(new float[] {-0.001f, 0.001f, -0.001f}, s.params().toFloatArray(), 1e-8f);
    }

    @Test
    void badHyperparametersAreClearErrors() {
        KilnException e = assertThrows(KilnException.class, () -> Sgd.of(-1));
        assertTrue(e.getMessage().contains("learning rate"), e.getMessage());
        assertThrows(KilnException.class, () -> Momentum.of(0.1, 1.0));
        assertThrows(KilnException.class, () -> new Momentum<>(0.1, 0.9, 0.1, 0, true));
        assertThrows(KilnException.class, () -> new Adam<>(0.1, 0.9, 1.5, 1e-8, 0));
        KilnException u = assertThrows(KilnException.class, () -> Optimizers.byName("rmsprop", 0.1));
        assertTrue(u.getMessage().contains("sgd, momentum, adam"), u.getMessage());
        assertEquals("adam", Optimizers.byName("adam", 0.1).name());
    }
}
