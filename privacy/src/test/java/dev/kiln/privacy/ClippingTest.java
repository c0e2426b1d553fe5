package dev.kiln.privacy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.KilnException;
import dev.kiln.runtime.Kiln;
import dev.kiln.tracer.Fn3;
import dev.kiln.tracer.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClippingTest {
    private static final int B = 9;

    private static TinyModel.Params perExampleGrads() {
        Fn3<TinyModel.Params, Tensor, Tensor, TinyModel.Params> g =
                Kiln.vmap(Kiln.grad(TinyModel::exampleLoss), Kiln.in(null, 0, 0));
        return g.apply(TinyModel.init(1), TinyModel.inputs(2, B), TinyModel.labels(3, B));
    }

    /** Example b alone, clipped: the clipped sum with a one-hot mask. */
    private static TinyModel.Params clippedExample(TinyModel.Params grads, int b, ClipPolicy policy) {
        float[] m = new float[B];
        m[b] = 1;
        return Clipping.clipAndSum(grads, Tensor.of(m), policy).sum();
    }

    private static double norm(Object tree) {
        return Math.sqrt(Trees.squaredNorm(tree).item());
    }

    private static TinyModel.Params example(TinyModel.Params grads, int b) {
        return Trees.map(grads, t -> t.index(0, b));
    }

    @Test
    void flatClippingBoundsEveryExampleAndLeavesSmallOnesUnchanged() {
        TinyModel.Params grads = perExampleGrads();
        double[] norms = Clipping.perExampleNorms(grads).toDoubleArray();
        double c = median(norms);
        int clippedSeen = 0;
        int keptSeen = 0;
        for (int b = 0; b < B; b++) {
            TinyModel.Params clipped = clippedExample(grads, b, ClipPolicy.flat(c));
            double n = norm(clipped);
            assertTrue(n <= c * (1 + 1e-6), "example " + b + " has norm " + n + " > C = " + c);
            if (norms[b] <= c) {
                keptSeen++;
                for (int i = 0; i < 2; i++) {
                    assertArrayEquals(Trees.leaves(example(grads, b)).get(i).toFloatArray(),
                            Trees.leaves(clipped).get(i).toFloatArray(), "example " + b + " was within C and must not change");
                }
            } else {
                clippedSeen++;
                assertEquals(c, n, c * 1e-5, "a clipped example lands on the sphere of radius C");
            }
        }
        assertTrue(clippedSeen > 0 && keptSeen > 0, "the data must exercise both cases");
    }

    @Test
    void normsAreJointOverAllParameters() {
        TinyModel.Params grads = perExampleGrads();
        double[] norms = Clipping.perExampleNorms(grads).toDoubleArray();
        for (int b = 0; b < B; b++) {
            assertEquals(norm(example(grads, b)), norms[b], 1e-5 * norms[b]);
        }
    }

    @Test
    void clippedSumIsTheSumOfClippedExamplesAndReportsWhichWereClipped() {
        TinyModel.Params grads = perExampleGrads();
        double[] norms = Clipping.perExampleNorms(grads).toDoubleArray();
        double c = median(norms);
        ClippedSum<TinyModel.Params> cs = Clipping.clipAndSum(grads, Tensor.ones(B), ClipPolicy.flat(c));
        float[] expectedW = new float[TinyModel.CLASSES * TinyModel.FEATURES];
        float[] w = grads.w().toFloatArray();
        for (int b = 0; b < B; b++) {
            double f = 1 / Math.max(1, norms[b] / c);
            for (int i = 0; i < expectedW.length; i++) {
                expectedW[i] += (float) (f * w[b * expectedW.length + i]);
            }
        }
        assertArrayEquals(expectedW, cs.sum().w().toFloatArray(), 1e-5f);
        float[] clipped = cs.clipped().toFloatArray();
        for (int b = 0; b < B; b++) {
            assertEquals(norms[b] > c ? 1f : 0f, clipped[b], "clipped flag of example " + b);
        }
    }

    @Test
    void maskedExamplesContributeNothingEvenWhenHuge() {
        TinyModel.Params grads = perExampleGrads();
        float[] m = {1, 0, 1, 1, 0, 1, 0, 1, 1};
        TinyModel.Params poisoned = Trees.map(grads, t -> {
            float[] v = t.toFloatArray();
            int per = v.length / B;
            for (int b = 0; b < B; b++) {
                if (m[b] == 0) {
                    for (int i = 0; i < per; i++) {
                        v[b * per + i] = 1e6f;
                    }
                }
            }
            return Tensor.of(v, t.dims());
        });
        ClippedSum<TinyModel.Params> masked = Clipping.clipAndSum(poisoned, Tensor.of(m), ClipPolicy.flat(1.0));
        TinyModel.Params expected = null;
        for (int b = 0; b < B; b++) {
            if (m[b] == 1) {
                TinyModel.Params one = clippedExample(grads, b, ClipPolicy.flat(1.0));
                expected = expected == null ? one : Trees.add(expected, one);
            }
        }
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(Trees.leaves(expected).get(i).toFloatArray(), Trees.leaves(masked.sum()).get(i).toFloatArray(), 1e-5f);
        }
        float[] clippedFlags = masked.clipped().toFloatArray();
        for (int b = 0; b < B; b++) {
            if (m[b] == 0) {
                assertEquals(0f, clippedFlags[b], "a masked row is never counted as clipped");
            }
        }
    }

    @Test
    void perLayerClippingBoundsEachTensorBySplitBudget() {
        TinyModel.Params grads = perExampleGrads();
        double c = 1.0;
        double each = c / Math.sqrt(2);
        for (int b = 0; b < B; b++) {
            TinyModel.Params clipped = clippedExample(grads, b, ClipPolicy.perLayer(c));
            TinyModel.Params orig = example(grads, b);
            List<Tensor> cl = Trees.leaves(clipped);
            List<Tensor> ol = Trees.leaves(orig);
            for (int i = 0; i < 2; i++) {
                double n = cl.get(i).norm().item();
                double o = ol.get(i).norm().item();
                assertTrue(n <= each * (1 + 1e-6), "tensor " + i + " of example " + b + ": " + n + " > " + each);
                assertEquals(Math.min(o, each), n, 1e-5 * Math.max(n, 1e-3), "per-tensor clipping scales to min(norm, C_l)");
            }
            assertTrue(norm(clipped) <= c * (1 + 1e-6));
        }
        assertEquals(1.0, ClipPolicy.perLayer(1.0).sensitivity(7), 1e-12, "an even split keeps the sensitivity at C");
        assertEquals(5.0, ClipPolicy.perLayer(3.0, 4.0).sensitivity(2), 1e-12);
    }

    @Test
    void badBoundsAndMasksAreClearErrors() {
        KilnException e = assertThrows(KilnException.class, () -> ClipPolicy.flat(0));
        assertTrue(e.getMessage().contains("clipping norm C") && e.getMessage().contains("> 0"), e.getMessage());
        assertThrows(KilnException.class, () -> ClipPolicy.flat(Double.NaN));
        assertThrows(KilnException.class, () -> ClipPolicy.perLayer(1.0, -2.0));
        KilnException n = assertThrows(KilnException.class, () -> ClipPolicy.perLayer(1.0, 2.0, 3.0).bounds(2));
        assertTrue(n.getMessage().contains("3 bounds") && n.getMessage().contains("2 tensors"), n.getMessage());
        TinyModel.Params grads = perExampleGrads();
        KilnException m = assertThrows(KilnException.class, () -> Clipping.clipAndSum(grads, Tensor.ones(B + 1), ClipPolicy.flat(1)));
        assertTrue(m.getMessage().contains("mask must be [" + B + "]"), m.getMessage());
    }

    @Test
    void clipAndSumTracesUnderJit() {
        TinyModel.Params grads = perExampleGrads();
        var f = Kiln.jit((TinyModel.Params g, Tensor mask) -> Clipping.clipAndSum(g, mask, ClipPolicy.flat(0.7)));
        ClippedSum<TinyModel.Params> jitted = f.apply(grads, Tensor.ones(B));
        ClippedSum<TinyModel.Params> eager = Clipping.clipAndSum(grads, Tensor.ones(B), ClipPolicy.flat(0.7));
        assertArrayEquals(eager.sum().w().toFloatArray(), jitted.sum().w().toFloatArray(), 1e-6f);
        assertArrayEquals(eager.norms().toFloatArray(), jitted.norms().toFloatArray(), 1e-6f);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s[s.length / 2];
    }
}
