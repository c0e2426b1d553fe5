package dev.kiln.codegen.jvm.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.ir.DType;
import dev.kiln.ir.Ints;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.DotGeneral;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class DotGeneralKernelTest {

    /** A random dot_general: dims of each kind scattered over random positions of both operands. */
    record Case(DotGeneral p, TensorType l, TensorType r) {
        static Case random(Random rnd, DType dtype) {
            int nb = rnd.nextInt(3), nc = rnd.nextInt(3), nlf = rnd.nextInt(3), nrf = rnd.nextInt(3);
            int[] bs = sizes(rnd, nb), cs = sizes(rnd, nc), lfs = sizes(rnd, nlf), rfs = sizes(rnd, nrf);
            // at most one large dim, so GEMM edges and blocking are hit without huge naive loops
            int[][] kinds = {bs, cs, lfs, rfs};
            int[] big = kinds[rnd.nextInt(4)];
            if (big.length > 0 && rnd.nextBoolean()) {
                big[rnd.nextInt(big.length)] = 1 + rnd.nextInt(70);
            }
            List<Integer> lpos = shuffled(nb + nc + nlf, rnd), rpos = shuffled(nb + nc + nrf, rnd);
            int[] ldims = new int[lpos.size()], rdims = new int[rpos.size()];
            int[] lb = new int[nb], rb = new int[nb], lc = new int[nc], rc = new int[nc];
            for (int i = 0; i < nb; i++) {
                lb[i] = lpos.get(i);
                rb[i] = rpos.get(i);
                ldims[lb[i]] = bs[i];
                rdims[rb[i]] = bs[i];
            }
            for (int i = 0; i < nc; i++) {
                lc[i] = lpos.get(nb + i);
                rc[i] = rpos.get(nb + i);
                ldims[lc[i]] = cs[i];
                rdims[rc[i]] = cs[i];
            }
            for (int i = 0; i < nlf; i++) {
                ldims[lpos.get(nb + nc + i)] = lfs[i];
            }
            for (int i = 0; i < nrf; i++) {
                rdims[rpos.get(nb + nc + i)] = rfs[i];
            }
            DotGeneral p = new DotGeneral(Ints.of(lc), Ints.of(rc), Ints.of(lb), Ints.of(rb));
            return new Case(p, TensorType.of(dtype, ldims), TensorType.of(dtype, rdims));
        }

        private static int[] sizes(Random rnd, int n) {
            int[] s = new int[n];
            for (int i = 0; i < n; i++) {
                s[i] = 1 + rnd.nextInt(6);
            }
            return s;
        }

        private static List<Integer> shuffled(int n, Random rnd) {
            List<Integer> l = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                l.add(i);
            }
            Collections.shuffle(l, rnd);
            return l;
        }
    }

    /** The definition, one output element at a time, in double. */
    static double[] naive(Case c, double[] l, double[] r) {
        DotGeneral p = c.p();
        int[] ld = c.l().shape().toArray(), rd = c.r().shape().toArray();
        int[] ls = Permute.rowMajorStrides(ld), rs = Permute.rowMajorStrides(rd);
        List<int[]> outAxes = new ArrayList<>(); // {lhs dim or -1, rhs dim or -1}
        for (int i = 0; i < p.lhsBatch().size(); i++) {
            outAxes.add(new int[] {p.lhsBatch().get(i), p.rhsBatch().get(i)});
        }
        for (int d = 0; d < ld.length; d++) {
            if (!p.lhsBatch().contains(d) && !p.lhsContract().contains(d)) {
                outAxes.add(new int[] {d, -1});
            }
        }
        for (int d = 0; d < rd.length; d++) {
            if (!p.rhsBatch().contains(d) && !p.rhsContract().contains(d)) {
                outAxes.add(new int[] {-1, d});
            }
        }
        int[] od = outAxes.stream().mapToInt(a -> a[0] >= 0 ? ld[a[0]] : rd[a[1]]).toArray();
        int[] cd = new int[p.lhsContract().size()];
        for (int i = 0; i < cd.length; i++) {
            cd[i] = ld[p.lhsContract().get(i)];
        }
        double[] out = new double[Permute.numel(od)];
        int[] oi = new int[od.length];
        for (int o = 0; o < out.length; o++) {
            unravel(o, od, oi);
            int lBase = 0, rBase = 0;
            for (int a = 0; a < od.length; a++) {
                int[] ax = outAxes.get(a);
                lBase += ax[0] >= 0 ? oi[a] * ls[ax[0]] : 0;
                rBase += ax[1] >= 0 ? oi[a] * rs[ax[1]] : 0;
            }
            double s = 0;
            int[] ci = new int[cd.length];
            for (int q = 0; q < Permute.numel(cd); q++) {
                unravel(q, cd, ci);
                int li = lBase, ri = rBase;
                for (int i = 0; i < cd.length; i++) {
                    li += ci[i] * ls[p.lhsContract().get(i)];
                    ri += ci[i] * rs[p.rhsContract().get(i)];
                }
                s += l[li] * r[ri];
            }
            out[o] = s;
        }
        return out;
    }

    static void unravel(int flat, int[] dims, int[] idx) {
        for (int i = dims.length - 1; i >= 0; i--) {
            idx[i] = flat % dims[i];
            flat /= dims[i];
        }
    }

    @Property(tries = 400)
    void dotGeneralMatchesDefinitionForAnyDimensionLayout(@ForAll long seed) {
        Random rnd = new Random(seed);
        Case c = Case.random(rnd, DType.F32);
        DotGeneralKernel kernel = DotGeneralKernel.prepare(c.p(), c.l(), c.r());
        int lo = rnd.nextInt(4), ro = rnd.nextInt(4), oo = rnd.nextInt(4), so = rnd.nextInt(4);
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
        float[] out = new float[oo + expect.length];
        java.util.Arrays.fill(out, Float.NaN); // the kernel must overwrite, not accumulate
        kernel.run(l, lo, r, ro, out, oo, new float[so + kernel.scratchSize()], so);
        assertEquals(kernel.outType().numel(), expect.length);
        int k = Math.max(1, c.l().numel() / Math.max(1, expect.length));
        for (int i = 0; i < expect.length; i++) {
            assertEquals(expect[i], out[oo + i], 1e-5 * Math.sqrt(k) * 8 * Math.max(1, Math.abs(expect[i])),
                    () -> c + " " + kernel);
        }

        double[] dOut = new double[oo + expect.length];
        double[] dl = new double[lo + ld.length], dr = new double[ro + rd.length];
        System.arraycopy(ld, 0, dl, lo, ld.length);
        System.arraycopy(rd, 0, dr, ro, rd.length);
        DotGeneralKernel k64 = DotGeneralKernel.prepare(c.p(), c.l().withDType(DType.F64), c.r().withDType(DType.F64));
        k64.run(dl, lo, dr, ro, dOut, oo, new double[so + k64.scratchSize()], so);
        for (int i = 0; i < expect.length; i++) {
            assertEquals(expect[i], dOut[oo + i], 1e-12 * Math.max(1, Math.abs(expect[i])));
        }
    }

    @Property(tries = 100)
    void integerDotGeneralIsExact(@ForAll long seed) {
        Random rnd = new Random(seed);
        Case c = Case.random(rnd, DType.I32);
        DotGeneralKernel kernel = DotGeneralKernel.prepare(c.p(), c.l(), c.r());
        int[] l = rnd.ints(c.l().numel(), -50, 50).toArray(), r = rnd.ints(c.r().numel(), -50, 50).toArray();
        double[] expect = naive(c, java.util.Arrays.stream(l).asDoubleStream().toArray(),
                java.util.Arrays.stream(r).asDoubleStream().toArray());
        int[] out = new int[expect.length];
        kernel.run(l, 0, r, 0, out, 0, new int[kernel.scratchSize()], 0);
        assertArrayEquals(java.util.Arrays.stream(expect).mapToInt(x -> (int) x).toArray(), out);
    }

    @Test
    void perExampleOuterProductAndTransposedBatchedProductMatchDefinition() {
        Random rnd = new Random(3);
        // [128,50,1] x [128,1,104]: the per-example weight gradient of a dense layer
        Case outer = new Case(new DotGeneral(Ints.of(2), Ints.of(1), Ints.of(0), Ints.of(0)),
                TensorType.of(DType.F32, 128, 50, 1), TensorType.of(DType.F32, 128, 1, 104));
        // [16,T,out]^T [16,T,in]: contraction over time, lhs read transposed
        Case overTime = new Case(new DotGeneral(Ints.of(1), Ints.of(1), Ints.of(0), Ints.of(0)),
                TensorType.of(DType.F32, 16, 37, 40), TensorType.of(DType.F32, 16, 37, 21));
        for (Case c : List.of(outer, overTime)) {
            DotGeneralKernel kernel = DotGeneralKernel.prepare(c.p(), c.l(), c.r());
            float[] l = KernelBenchmark.randomArray(c.l().numel(), rnd), r = KernelBenchmark.randomArray(c.r().numel(), rnd);
            double[] expect = naive(c, toDouble(l), toDouble(r));
            float[] out = new float[expect.length];
            kernel.run(l, 0, r, 0, out, 0, new float[kernel.scratchSize()], 0);
            for (int i = 0; i < expect.length; i++) {
                assertEquals(expect[i], out[i], 1e-4);
            }
            assertEquals(false, kernel.toString().contains("permuted"), kernel::toString);
        }
    }

    @Test
    void emptyContractionGivesZerosAndEmptyOperandsGiveEmptyResults() {
        DotGeneralKernel k0 = DotGeneralKernel.prepare(DotGeneral.matmul(), TensorType.of(DType.F32, 3, 0),
                TensorType.of(DType.F32, 0, 4));
        float[] out = new float[12];
        java.util.Arrays.fill(out, Float.NaN);
        k0.run(new float[0], 0, new float[0], 0, out, 0, new float[k0.scratchSize()], 0);
        assertArrayEquals(new float[12], out);
        double[] out64 = new double[12];
        java.util.Arrays.fill(out64, Double.NaN);
        DotGeneralKernel.prepare(DotGeneral.matmul(), TensorType.of(DType.F64, 3, 0), TensorType.of(DType.F64, 0, 4))
                .run(new double[0], 0, new double[0], 0, out64, 0, new double[0], 0);
        assertArrayEquals(new double[12], out64);
        DotGeneral batched = new DotGeneral(Ints.of(2), Ints.of(1), Ints.of(0), Ints.of(0));
        DotGeneralKernel empty = DotGeneralKernel.prepare(batched, TensorType.of(DType.F32, 0, 5, 3),
                TensorType.of(DType.F32, 0, 3, 2));
        assertEquals(0, empty.outType().numel());
        empty.run(new float[0], 0, new float[0], 0, new float[0], 0, new float[empty.scratchSize()], 0);
    }

    static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }
}
