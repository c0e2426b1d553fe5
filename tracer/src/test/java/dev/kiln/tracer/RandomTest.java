package dev.kiln.tracer;

import static dev.kiln.tracer.TestData.f32;
import static dev.kiln.tracer.TestData.i32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.prim.RandomBits;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Explicit-key random numbers. Statistical checks use a fixed seed and bounds of five standard
 * errors (or the 0.1% Kolmogorov-Smirnov critical value), so a correct generator passes them with
 * overwhelming probability and a biased one (wrong bits, wrong scaling, a broken transform) fails.
 */
class RandomTest {
    private static final int N = 100_000;
    private static final double FIVE_SIGMA = 5;
    /** The Kolmogorov-Smirnov critical value at significance 0.001 is 1.95 / sqrt(n). */
    private static final double KS = 1.95 / Math.sqrt(N);
    /** The largest f32 normal sample: the standard normal quantile of 1 - 2^-25. */
    private static final double NORMAL_F32_LIMIT = 5.41998;

    @Test
    void keyHoldsTheSeedsHighAndLowWordsAsJaxDoes() {
        assertArrayEquals(new int[] {5, 7}, Random.key(0x0000_0005_0000_0007L).toIntArray());
        assertArrayEquals(new int[] {0, 42}, Random.key(42).toIntArray());
        assertArrayEquals(new int[] {-1, -1}, Random.key(-1).toIntArray());
        assertEquals(i32(2), Random.key(1).type());
    }

    @Test
    void bitsOfTheZeroKeyAreThreefryOfTheZeroCounter() {
        // Random123's known-answer vector: threefry2x32_20(key 0, counter 0) = (0x6b200159, 0x99ba4efe).
        assertEquals(0x6b200159, Random.bits(Random.key(0), 1).toIntArray()[0]);
    }

    @Test
    void sameKeyGivesTheSameNumbersAndOtherSeedsOthers() {
        int[] a = Random.bits(Random.key(42), 1000).toIntArray();
        int[] b = Random.bits(Random.key(42), 1000).toIntArray();
        int[] c = Random.bits(Random.key(43), 1000).toIntArray();
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
        assertArrayEquals(Random.normal(Random.key(7), 50).toFloatArray(), Random.normal(Random.key(7), 50).toFloatArray());
    }

    @Test
    void bitsHaveTheRequestedShapeAndDependOnlyOnTheirCount() {
        Tensor key = Random.key(3);
        Tensor b = Random.bits(key, 4, 5);
        assertEquals(i32(4, 5), b.type());
        assertArrayEquals(Random.bits(key, 20).toIntArray(), b.toIntArray());
        // As in JAX, a draw of n words pairs counter j with m + j (m = ceil(n / 2)), so a longer
        // draw is not an extension of a shorter one.
        assertFalse(Arrays.equals(Arrays.copyOf(Random.bits(key, 40).toIntArray(), 20), b.toIntArray()));
    }

    @Test
    void splitGivesDistinctKeysAndKeyAtPicksThem() {
        Tensor key = Random.key(1);
        Tensor two = Random.split(key);
        assertEquals(i32(2, 2), two.type());
        Tensor five = Random.split(key, 5);
        assertEquals(i32(5, 2), five.type());
        Set<List<Integer>> seen = new HashSet<>();
        seen.add(List.of(0, 1));
        int[] k = five.toIntArray();
        for (int i = 0; i < 5; i++) {
            assertTrue(seen.add(List.of(k[2 * i], k[2 * i + 1])), "key " + i + " repeats");
            assertArrayEquals(new int[] {k[2 * i], k[2 * i + 1]}, Random.keyAt(five, i).toIntArray());
            assertArrayEquals(Random.keyAt(five, i).toIntArray(), Random.splitList(key, 5).get(i).toIntArray());
        }
        // The first keys of split(key, 2) and split(key, 5) agree: new key j depends only on j.
        assertArrayEquals(Random.keyAt(two, 0).toIntArray(), Random.keyAt(five, 0).toIntArray());
    }

    @Test
    void splitKeysGiveUncorrelatedStreams() {
        Tensor key = Random.key(2024);
        Tensor keys = Random.split(key);
        double[] a = Random.uniform(Random.keyAt(keys, 0), N).toDoubleArray();
        double[] b = Random.uniform(Random.keyAt(keys, 1), N).toDoubleArray();
        double[] parent = Random.uniform(key, N).toDoubleArray();
        // The correlation of independent samples has standard error 1 / sqrt(n).
        double bound = FIVE_SIGMA / Math.sqrt(N);
        assertTrue(Math.abs(correlation(a, b)) < bound, "siblings: " + correlation(a, b));
        assertTrue(Math.abs(correlation(a, parent)) < bound, "child and parent: " + correlation(a, parent));
        assertTrue(Math.abs(correlation(a, shift(a))) < bound, "lag-1 autocorrelation: " + correlation(a, shift(a)));
    }

    @Test
    void keyArraysGiveOneStreamPerKey() {
        Tensor keys = Random.split(Random.key(9), 3);
        Tensor batched = Random.uniform(keys, 4);
        assertEquals(f32(3, 4), batched.type());
        float[] all = batched.toFloatArray();
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(Random.uniform(Random.keyAt(keys, i), 4).toFloatArray(), Arrays.copyOfRange(all, 4 * i, 4 * i + 4));
        }
    }

    @Test
    void everyBitIsSetHalfTheTime() {
        int[] w = Random.bits(Random.key(11), N).toIntArray();
        double bound = FIVE_SIGMA * Math.sqrt(0.25 / N);
        for (int bit = 0; bit < 32; bit++) {
            int ones = 0;
            for (int x : w) {
                ones += (x >>> bit) & 1;
            }
            assertEquals(0.5, (double) ones / N, bound, "bit " + bit);
        }
    }

    @Test
    void uniformF32IsOnTheGridOfTwoToTheMinus24InZeroOne() {
        float[] u = Random.uniform(Random.key(5), N).toFloatArray();
        double[] d = new double[N];
        for (int i = 0; i < N; i++) {
            assertTrue(u[i] >= 0 && u[i] < 1, "out of [0, 1): " + u[i]);
            double scaled = u[i] * 0x1p24;
            assertEquals(Math.rint(scaled), scaled, "multiple of 2^-24");
            d[i] = u[i];
        }
        checkUniform(d, 0, 1);
    }

    @Test
    void uniformF64UsesFiftyThreeBits() {
        Tensor t = Random.uniform(Random.key(6), new int[] {N}, 0, 1, DType.F64);
        assertEquals(TestData.f64(N), t.type());
        double[] u = t.toDoubleArray();
        int offGrid24 = 0;
        for (double x : u) {
            assertTrue(x >= 0 && x < 1);
            assertEquals(Math.rint(x * 0x1p53), x * 0x1p53, "multiple of 2^-53");
            offGrid24 += x * 0x1p24 != Math.rint(x * 0x1p24) ? 1 : 0;
        }
        assertTrue(offGrid24 > N * 0.99, "f64 samples use more than 24 bits");
        checkUniform(u, 0, 1);
    }

    @Test
    void uniformOnAnIntervalHasItsMeanAndStaysInside() {
        double lo = -0.25, hi = 0.75;
        double[] u = Random.uniform(Random.key(8), new int[] {N}, lo, hi).toDoubleArray();
        for (double x : u) {
            assertTrue(x >= lo && x < hi, "outside [lo, hi): " + x);
        }
        checkUniform(u, lo, hi);
    }

    @Test
    void uniformNextToItsUpperBoundStaysBelowIt() {
        // (hi - lo) * u + lo rounds up to hi for the largest u unless clamped.
        float[] u = Random.uniform(Random.key(1), new int[] {1000}, 1, 1 + 0x1p-20).toFloatArray();
        for (float x : u) {
            assertTrue(x < 1 + 0x1p-20, "reached hi: " + x);
        }
    }

    @Test
    void normalF32HasMeanZeroStdOneAndTheNormalCdf() {
        checkStandardNormal(Random.normal(Random.key(12), N).toDoubleArray());
    }

    @Test
    void normalF32HasTheNormalsTailMassesAndNothingBeyondItsLimit() {
        double[] z = Random.normal(Random.key(15), N).toDoubleArray();
        for (double[] tail : new double[][] {{2, 0.0455002639}, {3, 0.0026997961}}) {
            double beyond = Arrays.stream(z).filter(x -> Math.abs(x) > tail[0]).count() / (double) N;
            assertEquals(tail[1], beyond, FIVE_SIGMA * Math.sqrt(tail[1] * (1 - tail[1]) / N), "mass beyond " + tail[0]);
        }
        double positive = Arrays.stream(z).filter(x -> x > 0).count() / (double) N;
        assertEquals(0.5, positive, FIVE_SIGMA * Math.sqrt(0.25 / N), "symmetry");
        assertTrue(Arrays.stream(z).allMatch(x -> Math.abs(x) <= NORMAL_F32_LIMIT * (1 + 1e-5) && x != 0), "within (0, 5.42]");
    }

    /**
     * Pins the definition word by word: x = ((w >> 7) | 1) * 2^-24 and the sample is the z with
     * erf(z / sqrt 2) = x. Checked through the tail probability Q(|z|) = (1 - |x|) / 2, which an
     * erfc with small relative error computes well even 5 standard deviations out; Giles'
     * approximation and f32 rounding move Q by a few 1e-6, well inside the 5e-5 allowed, a wrong scale by
     * far more (1.01x moves Q(2) by 2%).
     */
    @Test
    void normalF32IsTheInverseNormalCdfOfItsWord() {
        int[] extremes = {0, -1, 1, 0x7F, 0x80, 0xFF, Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MIN_VALUE + 0x80,
            Integer.MAX_VALUE - 0x7F, Integer.MAX_VALUE - 0x80, 0x40000000, -0x40000000, 0x7F000000, 0x80FFFFFF};
        int[] random = Random.bits(Random.key(16), N).toIntArray();
        int[] words = Arrays.copyOf(extremes, extremes.length + random.length);
        System.arraycopy(random, 0, words, extremes.length, random.length);
        float[] z = NormalF32.ofWords(Tensor.of(words)).toFloatArray();
        for (int i = 0; i < words.length; i++) {
            double x = ((words[i] >> 7) | 1) * 0x1p-24;
            assertEquals(Math.signum(x), Math.signum(z[i]), "sign for word " + words[i]);
            double want = (1 - Math.abs(x)) / 2, got = upperTail(Math.abs(z[i]));
            assertEquals(want, got, 5e-5 * want, "tail probability for word " + Integer.toHexString(words[i]) + " -> " + z[i]);
        }
        assertEquals(NORMAL_F32_LIMIT, z[6], 1e-4, "the largest sample");
        assertEquals(-z[6], z[7], "the smallest sample mirrors the largest");
    }

    @Test
    void theNormalChecksRejectWrongSamplers() {
        double[] z = Random.normal(Random.key(17), N).toDoubleArray();
        checkStandardNormal(z);
        double[] scaled = Arrays.stream(z).map(x -> 1.1 * x).toArray();
        assertThrows(AssertionError.class, () -> checkStandardNormal(scaled), "a 1.1x-scaled normal");
        // Mean 0 and variance 1, but not normal.
        double[] flat = Arrays.stream(Random.uniform(Random.key(18), N).toDoubleArray()).map(u -> (2 * u - 1) * Math.sqrt(3)).toArray();
        assertThrows(AssertionError.class, () -> checkStandardNormal(flat), "a uniform of unit variance");
        double[] shifted = Arrays.stream(z).map(x -> x + 0.05).toArray();
        assertThrows(AssertionError.class, () -> checkStandardNormal(shifted), "a normal shifted by 0.05");
    }

    @Test
    void normalF64HasMeanZeroStdOneAndTheNormalCdf() {
        Tensor t = Random.normal(Random.key(13), new int[] {N}, DType.F64);
        assertEquals(TestData.f64(N), t.type());
        checkStandardNormal(t.toDoubleArray());
    }

    @Test
    void bernoulliIsTrueWithProbabilityP() {
        for (double p : new double[] {0.1, 0.5, 0.9}) {
            Tensor b = Random.bernoulli(Random.key(14), p, N);
            assertEquals(TestData.bool(N), b.type());
            double mean = b.astype(DType.F64).mean().item();
            assertEquals(p, mean, FIVE_SIGMA * Math.sqrt(p * (1 - p) / N), "p = " + p);
        }
        assertEquals(0.0, Random.bernoulli(Random.key(1), 0.0, 100).astype(DType.F32).sum().item());
        assertEquals(100.0, Random.bernoulli(Random.key(1), 1.0, 100).astype(DType.F32).sum().item());
    }

    @Test
    void samplingUnderATraceBindsPrimitivesAndGivesTheEagerNumbers() {
        Fn1<Tensor, Tensor> f = key -> Random.normal(Random.keyAt(Random.split(key), 1), 3, 4);
        Graph g = Tracing.makeGraph(f.erase(), List.of(i32(2)));
        assertTrue(g.equations().stream().anyMatch(e -> e.primitive() instanceof RandomBits));
        assertTrue(g.constants().isEmpty(), "no sample is baked into the graph");
        Tensor key = Random.key(77);
        assertArrayEquals(f.apply(key).toFloatArray(), Tracing.apply(g, List.of(key)).get(0).toFloatArray());
    }

    @Test
    void aMalformedKeyIsRejected() {
        KilnException e = assertThrows(KilnException.class, () -> Random.uniform(Tensor.of(new float[] {1, 2}), 3));
        assertTrue(e.getMessage().contains("Random.uniform: a key must be i32[2] (or a key array i32[..., 2]), got f32[2]"),
                e.getMessage());
        assertTrue(e.getMessage().contains("Random.key(seed)"), e.getMessage());
        assertThrows(KilnException.class, () -> Random.split(Tensor.of(new int[] {1, 2, 3})));
        assertThrows(KilnException.class, () -> Random.keyAt(Random.key(1), 0));
        assertThrows(KilnException.class, () -> Random.uniform(Random.key(1), new int[] {2}, 1, 1));
        assertThrows(KilnException.class, () -> Random.bernoulli(Random.key(1), 1.5, 2));
    }

    // ---------------------------------------------------------------- statistics

    private static void checkUniform(double[] u, double lo, double hi) {
        double width = hi - lo;
        double mean = Arrays.stream(u).average().orElseThrow();
        double sd = width / Math.sqrt(12);
        assertEquals((lo + hi) / 2, mean, FIVE_SIGMA * sd / Math.sqrt(u.length), "mean");
        double var = Arrays.stream(u).map(x -> (x - mean) * (x - mean)).sum() / (u.length - 1);
        // The variance of a uniform sample's variance: (mu4 - sigma^4) / n with mu4 = width^4 / 80.
        double varSe = Math.sqrt((Math.pow(width, 4) / 80 - Math.pow(sd, 4)) / u.length);
        assertEquals(sd * sd, var, FIVE_SIGMA * varSe, "variance");
        assertTrue(ksDistance(u, x -> Math.min(1, Math.max(0, (x - lo) / width))) < KS, "Kolmogorov-Smirnov");
    }

    private static void checkStandardNormal(double[] z) {
        double mean = Arrays.stream(z).average().orElseThrow();
        double sd = Math.sqrt(Arrays.stream(z).map(x -> (x - mean) * (x - mean)).sum() / (z.length - 1));
        assertEquals(0, mean, FIVE_SIGMA / Math.sqrt(z.length), "mean");
        // The standard error of a normal sample's standard deviation is about 1 / sqrt(2n).
        assertEquals(1, sd, FIVE_SIGMA / Math.sqrt(2.0 * z.length), "standard deviation");
        double within1 = Arrays.stream(z).filter(x -> Math.abs(x) < 1).count() / (double) z.length;
        double p1 = 0.682689492;
        assertEquals(p1, within1, FIVE_SIGMA * Math.sqrt(p1 * (1 - p1) / z.length), "mass within one sigma");
        assertTrue(ksDistance(z, RandomTest::normalCdf) < KS, "Kolmogorov-Smirnov: " + ksDistance(z, RandomTest::normalCdf));
    }

    /**
     * Q(x) = P(Z > x) = erfc(x / sqrt 2) / 2 for x >= 0, with erfc by the Chebyshev fit of
     * Numerical Recipes (erfcc; relative error below 1.2e-7 everywhere), so tails stay accurate.
     */
    private static double upperTail(double x) {
        double v = x / Math.sqrt(2), t = 1 / (1 + 0.5 * v);
        double poly = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
                + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
        return t * Math.exp(-v * v + poly) / 2;
    }

    private static double ksDistance(double[] sample, java.util.function.DoubleUnaryOperator cdf) {
        double[] s = sample.clone();
        Arrays.sort(s);
        double d = 0;
        for (int i = 0; i < s.length; i++) {
            double f = cdf.applyAsDouble(s[i]);
            d = Math.max(d, Math.max((i + 1.0) / s.length - f, f - (double) i / s.length));
        }
        return d;
    }

    /** Phi(x) by Abramowitz and Stegun 26.2.17 (absolute error below 7.5e-8). */
    private static double normalCdf(double x) {
        double t = 1 / (1 + 0.2316419 * Math.abs(x));
        double poly = t * (0.319381530 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
        double tail = Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI) * poly;
        return x >= 0 ? 1 - tail : tail;
    }

    private static double correlation(double[] a, double[] b) {
        int n = Math.min(a.length, b.length);
        double ma = 0, mb = 0;
        for (int i = 0; i < n; i++) {
            ma += a[i] / n;
            mb += b[i] / n;
        }
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < n; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.sqrt(saa * sbb);
    }

    private static double[] shift(double[] a) {
        return Arrays.copyOfRange(a, 1, a.length);
    }
}
