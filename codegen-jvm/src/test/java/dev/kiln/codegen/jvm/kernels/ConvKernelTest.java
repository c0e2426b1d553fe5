package dev.kiln.codegen.jvm.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.ir.DType;
import dev.kiln.ir.Ints;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.ConvGeneralDilated;
import dev.kiln.ir.prim.ShapeRules;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class ConvKernelTest {

    record Case(ConvGeneralDilated p, TensorType l, TensorType r) {
    }

    /** The definition, one output element at a time, in double (group-major batch groups). */
    static double[] naive(Case c, double[] lhs, double[] rhs) {
        ConvGeneralDilated p = c.p();
        TensorType out = ShapeRules.infer(p, List.of(c.l(), c.r()));
        int d = p.spatialRank();
        int[] ld = c.l().shape().toArray(), rd = c.r().shape().toArray(), od = out.shape().toArray();
        int[] ls = Permute.rowMajorStrides(ld), rs = Permute.rowMajorStrides(rd);
        int fg = p.featureGroupCount(), bg = p.batchGroupCount(), groups = fg * bg;
        int o = rd[0], ig = rd[1], og = o / groups, nOut = od[0];
        int[] kd = java.util.Arrays.copyOfRange(rd, 2, 2 + d), qd = java.util.Arrays.copyOfRange(od, 2, 2 + d);
        double[] res = new double[out.numel()];
        int[] oi = new int[od.length], ti = new int[d];
        for (int e = 0; e < res.length; e++) {
            Im2col.unravel(e, od, oi);
            int n = oi[0], f = oi[1], g = f / og;
            int lb = bg > 1 ? g * nOut + n : n;
            double s = 0;
            for (int i = 0; i < ig; i++) {
                int lc = fg > 1 ? g * ig + i : i;
                for (int t = 0; t < Permute.numel(kd); t++) {
                    Im2col.unravel(t, kd, ti);
                    int li = lb * ls[0] + lc * ls[1];
                    boolean real = true;
                    for (int x = 0; x < d && real; x++) {
                        int pos = oi[x + 2] * p.windowStrides().get(x) + ti[x] * p.rhsDilation().get(x) - p.padLow().get(x);
                        int dil = p.lhsDilation().get(x);
                        real = pos >= 0 && pos % dil == 0 && pos / dil < ld[x + 2];
                        li += real ? pos / dil * ls[x + 2] : 0;
                    }
                    if (real) {
                        int ri = f * rs[0] + i * rs[1];
                        for (int x = 0; x < d; x++) {
                            ri += ti[x] * rs[x + 2];
                        }
                        s += lhs[li] * rhs[ri];
                    }
                }
            }
            res[e] = s;
        }
        assertEquals(qd.length, d);
        return res;
    }

    static Case randomCase(Random rnd) {
        int d = 1 + rnd.nextInt(3);
        int groups = 1 + rnd.nextInt(3);
        boolean batchGroups = rnd.nextBoolean();
        int fg = batchGroups ? 1 : groups, bg = batchGroups ? groups : 1;
        int nOut = 1 + rnd.nextInt(3), ig = 1 + rnd.nextInt(3), og = 1 + rnd.nextInt(3);
        int[] ldims = new int[d + 2], rdims = new int[d + 2];
        ldims[0] = nOut * bg;
        ldims[1] = ig * fg;
        rdims[0] = og * groups;
        rdims[1] = ig;
        int[] strides = new int[d], lo = new int[d], hi = new int[d], ldil = new int[d], rdil = new int[d];
        int maxSide = d == 3 ? 5 : 8;
        for (int x = 0; x < d; x++) {
            ldims[x + 2] = 1 + rnd.nextInt(maxSide);
            rdims[x + 2] = 1 + rnd.nextInt(4);
            strides[x] = 1 + rnd.nextInt(3);
            lo[x] = rnd.nextInt(6) - 2;
            hi[x] = rnd.nextInt(6) - 2;
            ldil[x] = rnd.nextInt(3) == 0 ? 2 + rnd.nextInt(2) : 1;
            rdil[x] = rnd.nextInt(3) == 0 ? 2 : 1;
        }
        ConvGeneralDilated p = new ConvGeneralDilated(Ints.of(strides), Ints.of(lo), Ints.of(hi), Ints.of(ldil),
                Ints.of(rdil), fg, bg);
        return new Case(p, TensorType.of(DType.F32, ldims), TensorType.of(DType.F32, rdims));
    }

    static void check(Case c, long seed) {
        Random rnd = new Random(seed);
        ConvKernel kernel = ConvKernel.prepare(c.p(), c.l(), c.r());
        int lo = rnd.nextInt(3), ro = rnd.nextInt(3), oo = rnd.nextInt(3), so = rnd.nextInt(3);
        float[] l = new float[lo + c.l().numel()], r = new float[ro + c.r().numel()];
        double[] ld = new double[c.l().numel()], rd = new double[c.r().numel()];
        for (int i = 0; i < ld.length; i++) {
            l[lo + i] = rnd.nextFloat() * 2 - 1;
            ld[i] = l[lo + i];
        }
        for (int i = 0; i < rd.length; i++) {
            r[ro + i] = rnd.nextFloat() * 2 - 1;
            rd[i] = r[ro + i];
        }
        double[] expect = naive(c, ld, rd);
        List<ConvKernel> kernels = new java.util.ArrayList<>(ConvKernel.everyPlan(c.p(), c.l(), c.r()));
        kernels.add(kernel);
        for (ConvKernel k : kernels) {
            float[] out = new float[oo + expect.length + 2];
            java.util.Arrays.fill(out, Float.NaN);
            k.run(l, lo, r, ro, out, oo, new float[so + k.scratchSize()], so);
            double tol = 1e-5 * Math.sqrt(c.r().numel() / Math.max(1, c.r().dim(0)) + 1) * 8;
            for (int i = 0; i < expect.length; i++) {
                int at = i;
                assertEquals(expect[i], out[oo + i], tol * Math.max(1, Math.abs(expect[i])), () -> c + " " + k + " at " + at);
            }
            assertEquals(Float.NaN, out[oo + expect.length], "wrote past the output");
        }

        ConvKernel k64 = ConvKernel.prepare(c.p(), c.l().withDType(DType.F64), c.r().withDType(DType.F64));
        double[] dl = new double[lo + ld.length], dr = new double[ro + rd.length], dOut = new double[oo + expect.length];
        System.arraycopy(ld, 0, dl, lo, ld.length);
        System.arraycopy(rd, 0, dr, ro, rd.length);
        k64.run(dl, lo, dr, ro, dOut, oo);
        for (int i = 0; i < expect.length; i++) {
            assertEquals(expect[i], dOut[oo + i], 1e-12 * Math.max(1, Math.abs(expect[i])), c::toString);
        }
    }

    @Property(tries = 400)
    void convMatchesDefinitionForRandomParameters(@ForAll long seed) {
        Random rnd = new Random(seed);
        Case c = randomCase(rnd);
        try {
            ShapeRules.infer(c.p(), List.of(c.l(), c.r()));
        } catch (KilnException e) {
            Assume.that(false); // negative padding cropped the input away: not a valid conv
        }
        check(c, seed);
    }

    static ConvGeneralDilated conv2d(int stride, int padLo, int padHi, int lhsDil, int rhsDil, int fg, int bg) {
        return new ConvGeneralDilated(Ints.of(stride, stride), Ints.of(padLo, padLo), Ints.of(padHi, padHi),
                Ints.of(lhsDil, lhsDil), Ints.of(rhsDil, rhsDil), fg, bg);
    }

    @Test
    void convWithNoInputFeaturesGivesZeros() {
        ConvKernel k = ConvKernel.prepare(conv2d(1, 1, 1, 1, 1, 1, 1), TensorType.of(DType.F32, 2, 0, 5, 5),
                TensorType.of(DType.F32, 3, 0, 3, 3));
        float[] out = new float[k.outType().numel()];
        java.util.Arrays.fill(out, Float.NaN);
        k.run(new float[0], 0, new float[0], 0, out, 0, new float[k.scratchSize()], 0);
        assertEquals(2 * 3 * 5 * 5, out.length);
        for (float v : out) {
            assertEquals(0f, v);
        }
    }

    @Test
    void paperForwardConvsMatchDefinition() {
        // CIFAR10 first layer and MNIST first layer, small batch
        check(new Case(conv2d(1, 1, 1, 1, 1, 1, 1), TensorType.of(DType.F32, 3, 3, 32, 32),
                TensorType.of(DType.F32, 32, 3, 3, 3)), 1);
        check(new Case(conv2d(2, 3, 3, 1, 1, 1, 1), TensorType.of(DType.F32, 3, 1, 28, 28),
                TensorType.of(DType.F32, 16, 1, 8, 8)), 2);
        check(new Case(conv2d(2, 0, 0, 1, 1, 1, 1), TensorType.of(DType.F32, 2, 16, 13, 13),
                TensorType.of(DType.F32, 32, 16, 4, 4)), 3);
    }

    @Test
    void inputGradientConvWithLhsDilationMatchesDefinition() {
        // transpose of the MNIST second conv: dy [2,32,5,5] dilated by the stride, flipped kernel
        check(new Case(conv2d(1, 3, 4, 2, 1, 1, 1), TensorType.of(DType.F32, 2, 32, 5, 5),
                TensorType.of(DType.F32, 16, 32, 4, 4)), 4);
    }

    @Test
    void kernelGradientConvsMatchDefinition() {
        // JAX's transpose_rhs form: lhs = x^T [C, N, H, W], rhs = dy^T [O, N, H', W'] -> [C, O, 3, 3]
        check(new Case(conv2d(1, 1, 1, 1, 1, 1, 1), TensorType.of(DType.F32, 3, 4, 16, 16),
                TensorType.of(DType.F32, 8, 4, 16, 16)), 5);
        // stride-2 forward: the kernel gradient has rhs dilation 2
        check(new Case(conv2d(1, 3, 3, 1, 2, 1, 1), TensorType.of(DType.F32, 1, 4, 28, 28),
                TensorType.of(DType.F32, 16, 4, 14, 14)), 6);
        // many input features: the inner-product plan takes them in chunks
        check(new Case(conv2d(1, 1, 1, 1, 1, 1, 1), TensorType.of(DType.F32, 4, 96, 40, 40),
                TensorType.of(DType.F32, 8, 96, 40, 40)), 10);
        // few output tiles, deep contraction: the depth is split across lanes
        check(new Case(conv2d(1, 0, 0, 1, 1, 1, 1), TensorType.of(DType.F32, 2, 64, 20, 20),
                TensorType.of(DType.F32, 8, 64, 18, 18)), 7);
    }

    @Test
    void perExampleKernelGradientAsGroupedConvMatchesDefinition() {
        // vmap of the kernel gradient over B=6 examples: feature_group_count = B, one feature per group
        check(new Case(conv2d(1, 1, 1, 1, 1, 6, 1), TensorType.of(DType.F32, 3, 6, 12, 12),
                TensorType.of(DType.F32, 6 * 8, 1, 12, 12)), 8);
        // the same as batch groups: lhs [B*C... ] batch split into B slices
        check(new Case(conv2d(1, 1, 1, 1, 1, 1, 6), TensorType.of(DType.F32, 6 * 3, 1, 12, 12),
                TensorType.of(DType.F32, 6 * 8, 1, 12, 12)), 9);
    }

    @Test
    void perExampleKernelGradientsWithTinyMapsMatchDefinition() {
        // the CIFAR CNN's 4x4 and 8x8 layers in miniature: 3x3 taps stored as blocks per example
        check(new Case(conv2d(1, 1, 1, 1, 1, 5, 1), TensorType.of(DType.F32, 7, 5, 4, 4),
                TensorType.of(DType.F32, 5 * 40, 1, 4, 4)), 11);
        check(new Case(conv2d(1, 1, 1, 1, 1, 3, 1), TensorType.of(DType.F32, 9, 3, 8, 8),
                TensorType.of(DType.F32, 3 * 32, 1, 8, 8)), 12);
        // 10 output features a group (a ragged single-vector panel), batch groups instead of feature groups
        check(new Case(conv2d(1, 1, 1, 1, 1, 1, 4), TensorType.of(DType.F32, 4 * 5, 2, 5, 5),
                TensorType.of(DType.F32, 4 * 10, 2, 5, 5)), 13);
        // a strided forward's kernel gradient (rhs dilation 2), no padding: 2x2 outputs read in place
        check(new Case(conv2d(1, 0, 0, 1, 2, 3, 1), TensorType.of(DType.F32, 6, 3, 9, 9),
                TensorType.of(DType.F32, 3 * 17, 1, 4, 4)), 14);
        // strides on the lhs, uneven padding, 1-d and 3-d maps
        check(new Case(new ConvGeneralDilated(Ints.of(2), Ints.of(2), Ints.of(0), Ints.of(1), Ints.of(1), 2, 1),
                TensorType.of(DType.F32, 13, 4, 11), TensorType.of(DType.F32, 2 * 33, 2, 5)), 15);
        check(new Case(new ConvGeneralDilated(Ints.of(1, 1, 1), Ints.of(1, 0, 1), Ints.of(0, 1, 1), Ints.of(1, 1, 1),
                Ints.of(1, 1, 1), 2, 1), TensorType.of(DType.F32, 3, 2, 3, 3, 4), TensorType.of(DType.F32, 2 * 20, 1, 3, 3, 3)), 16);
    }

    @Test
    void perExampleKernelGradientsOfThePaperCnnsUseTheBlockPlan() {
        ConvKernel k = ConvKernel.prepare(conv2d(1, 1, 1, 1, 1, 128, 1), TensorType.of(DType.F32, 128, 128, 4, 4),
                TensorType.of(DType.F32, 128 * 256, 1, 4, 4));
        org.junit.jupiter.api.Assertions.assertTrue(k.toString().contains("block rows"), k::toString);
        ConvKernel mnist = ConvKernel.prepare(conv2d(1, 3, 3, 1, 2, 128, 1), TensorType.of(DType.F32, 1, 128, 28, 28),
                TensorType.of(DType.F32, 128 * 16, 1, 14, 14));
        org.junit.jupiter.api.Assertions.assertTrue(mnist.toString().contains("block rows"), mnist::toString);
        ConvKernel ungrouped = ConvKernel.prepare(conv2d(1, 1, 1, 1, 1, 1, 1), TensorType.of(DType.F32, 128, 128, 8, 8),
                TensorType.of(DType.F32, 128, 128, 8, 8));
        org.junit.jupiter.api.Assertions.assertFalse(ungrouped.toString().contains("block rows"), ungrouped::toString);
    }
}
