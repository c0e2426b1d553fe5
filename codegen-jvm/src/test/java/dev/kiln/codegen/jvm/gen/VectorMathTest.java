package dev.kiln.codegen.jvm.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/**
 * VectorMath's f32 functions against the interpreter's definition, {@code (float) Math.f((double) x)},
 * on every 97th f32 bit pattern (all signs, subnormals, both infinities, NaNs, and the overflow and
 * underflow edges in between), and its lane sums against their documented order.
 */
class VectorMathTest {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    private static final int STRIDE = 97;
    private static final int CHUNK = 4096 * FS.length();

    /** Distance in ulps between two floats; any NaN equals any NaN and is infinitely far from a number. */
    static long ulps(float a, float b) {
        if (Float.isNaN(a) || Float.isNaN(b)) {
            return Float.isNaN(a) && Float.isNaN(b) ? 0 : Long.MAX_VALUE;
        }
        return Math.abs((long) ordered(a) - ordered(b));
    }

    private static int ordered(float f) {
        int b = Float.floatToRawIntBits(f);
        return b < 0 ? Integer.MIN_VALUE - b : b;
    }

    /** The largest ulp error over the dense sample, after asserting it is at most {@code maxUlps}. */
    private static long check(String name, UnaryOperator<FloatVector> f, DoubleUnaryOperator reference, long maxUlps) {
        return check(name, f, reference, maxUlps, STRIDE);
    }

    private static long check(String name, UnaryOperator<FloatVector> f, DoubleUnaryOperator reference, long maxUlps, int stride) {
        float[] x = new float[CHUNK], y = new float[CHUNK];
        long worst = 0, inexact = 0, count = 0;
        float worstAt = 0;
        long bits = 0;
        while (bits < (1L << 32)) {
            int n = 0;
            while (n < CHUNK && bits < (1L << 32)) {
                x[n++] = Float.intBitsToFloat((int) bits);
                bits += stride;
            }
            for (int i = 0; i + FS.length() <= CHUNK; i += FS.length()) {
                f.apply(FloatVector.fromArray(FS, x, i)).intoArray(y, i);
            }
            for (int i = 0; i < n; i++) {
                long d = ulps(y[i], (float) reference.applyAsDouble(x[i]));
                if (d > worst) {
                    worst = d;
                    worstAt = x[i];
                }
                inexact += d == 0 ? 0 : 1;
                count++;
            }
        }
        System.out.printf("VectorMath.%s: max %d ulp (at %s), %d of %d not the rounded f64 result%n", name, worst, worstAt, inexact, count);
        assertTrue(worst <= maxUlps, name + ": " + worst + " ulps at " + worstAt + " (" + Float.floatToRawIntBits(worstAt) + ")");
        return worst;
    }

    @Test
    void expIsTheRoundedDoubleExpToAnUlp() {
        check("exp", VectorMath::exp, Math::exp, 1);
    }

    @Test
    void logIsTheRoundedDoubleLogToAnUlp() {
        check("log", VectorMath::log, Math::log, 1);
    }

    @Test
    void f32LaneExpIsWithinAnUlpOfTheRoundedDoubleExp() {
        check("exp (f32 lanes)", VectorExp32::exp, Math::exp, 1);
    }

    @Test
    void f32LaneLogIsWithinTwoUlpsOfTheRoundedDoubleLog() {
        check("log (f32 lanes)", VectorLog32::log, Math::log, 2);
    }

    @Test
    void f32LaneLog1pIsWithinAnUlpOfTheRoundedDoubleLog1p() {
        check("log1p (f32 lanes)", VectorMath::log1p, Math::log1p, 1);
    }

    @Test
    void f32LaneExpm1IsWithinAnUlpOfTheRoundedDoubleExpm1() {
        check("expm1 (f32 lanes)", VectorMath::expm1, Math::expm1, 1);
    }

    @Test
    void f32LaneTanhIsWithinAnUlpOfTheRoundedDoubleTanh() {
        check("tanh (f32 lanes)", VectorMath::tanh, Math::tanh, 1);
    }

    @Test
    void f32LaneLogisticIsWithinAnUlpOfTheInterpretersRoundedLogistic() {
        check("logistic (f32 lanes)", VectorMath::logistic, ScalarOps::logistic, 1);
    }

    /**
     * Every float where the logistic saturates (to 1 above 8, to 0 or subnormals below -80) and
     * tanh reaches +-1: a result is exactly 1 (or 0) only where the rounded f64 value is, since
     * the gradient s(1-s) turns a premature 1 into a zero gradient; and tiny values stay within
     * an ulp, not flushed.
     */
    @Test
    void logisticAndTanhSaturateExactlyWhereTheRoundedValuesDo() {
        everyFloat(8f, 20f, VectorMath::logistic, ScalarOps::logistic);
        everyFloat(-110f, -80f, VectorMath::logistic, ScalarOps::logistic);
        everyFloat(8f, 10f, VectorMath::tanh, Math::tanh);
        everyFloat(-10f, -8f, VectorMath::tanh, Math::tanh);
        everyFloat(-18f, -16f, VectorMath::expm1, Math::expm1);
    }

    private static void everyFloat(float from, float to, UnaryOperator<FloatVector> f, DoubleUnaryOperator reference) {
        int lo = Float.floatToRawIntBits(Math.abs(from) < Math.abs(to) ? from : to);
        int hi = Float.floatToRawIntBits(Math.abs(from) < Math.abs(to) ? to : from);
        float[] x = new float[FS.length()], y = new float[FS.length()];
        for (int bits = lo; bits <= hi; ) {
            for (int i = 0; i < x.length; i++, bits++) {
                x[i] = Float.intBitsToFloat(Math.min(bits, hi));
            }
            f.apply(FloatVector.fromArray(FS, x, 0)).intoArray(y, 0);
            for (int i = 0; i < x.length; i++) {
                float expected = (float) reference.applyAsDouble(x[i]);
                assertTrue(ulps(y[i], expected) <= 1, x[i] + ": " + y[i] + ", not " + expected);
                assertEquals(Math.abs(expected) == 1f, Math.abs(y[i]) == 1f, x[i] + ": " + y[i] + ", not " + expected);
                assertEquals(expected == 0f, y[i] == 0f, x[i] + ": " + y[i] + ", not " + expected);
            }
        }
    }

    @Test
    void f32LaneFunctionsKeepSpecialValues() {
        float[] x = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.MIN_VALUE, -Float.MIN_VALUE,
            Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE, 88.72284f, 88.72285f, -103.97209f, -104f, 0.3f, -0.3f,
            -1f, Math.nextUp(-1f), -2f, 0x1p-24f, -0x1p-24f, 1e30f};
        @SuppressWarnings("unchecked")
        UnaryOperator<FloatVector>[] fs = new UnaryOperator[] {
            (UnaryOperator<FloatVector>) VectorMath::expm1, (UnaryOperator<FloatVector>) VectorMath::tanh,
            (UnaryOperator<FloatVector>) VectorMath::logistic, (UnaryOperator<FloatVector>) VectorMath::log1p};
        DoubleUnaryOperator[] refs = {Math::expm1, Math::tanh, ScalarOps::logistic, Math::log1p};
        float[] in = new float[FS.length()], out = new float[FS.length()];
        for (int k = 0; k < fs.length; k++) {
            for (float v : x) {
                java.util.Arrays.fill(in, v);
                fs[k].apply(FloatVector.fromArray(FS, in, 0)).intoArray(out, 0);
                float expected = (float) refs[k].applyAsDouble(v);
                if (Float.isNaN(expected)) {
                    assertTrue(Float.isNaN(out[0]), "function " + k + " at " + v + ": " + out[0]);
                } else if (expected == 0f || Float.isInfinite(expected) || Math.abs(expected) == 1f) {
                    // Zeros with their sign, infinities and saturated values exactly.
                    assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(out[0]), "function " + k + " at " + v + ": " + out[0]);
                } else {
                    assertTrue(ulps(out[0], expected) <= 1, "function " + k + " at " + v + ": " + out[0] + ", not " + expected);
                }
            }
        }
    }

    @Test
    void sinAndCosAreTheRoundedDoubleResultsToAnUlp() {
        check("sin", VectorMath::sin, Math::sin, 1);
        check("cos", VectorMath::cos, Math::cos, 1);
    }

    @Test
    void powIsTheRoundedDoublePowToAnUlp() {
        float[] ys = {0f, -0f, 1f, -1f, 0.5f, 2f, 3f, -2f, 1.5f, -1.5f, 1f / 3, 7.25f, 100f, -100f, 1e-4f, 1e6f,
            Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, 31f, -0.25f};
        for (float yv : ys) {
            check("pow(x, " + yv + ")", x -> VectorMath.pow(x, FloatVector.broadcast(FS, yv)), x -> Math.pow(x, yv), 1, STRIDE * 8);
        }
        // Random pairs, mostly of moderate magnitude so that results are neither 0 nor infinite.
        Random rnd = new Random(7);
        float[] x = new float[FS.length()], y = new float[FS.length()], out = new float[FS.length()];
        for (int rep = 0; rep < 200_000; rep++) {
            for (int i = 0; i < x.length; i++) {
                x[i] = rep % 2 == 0 ? Float.intBitsToFloat(rnd.nextInt()) : (float) Math.exp(rnd.nextGaussian() * 4);
                y[i] = rep % 2 == 0 ? Float.intBitsToFloat(rnd.nextInt()) : (float) (rnd.nextGaussian() * 8);
            }
            VectorMath.pow(FloatVector.fromArray(FS, x, 0), FloatVector.fromArray(FS, y, 0)).intoArray(out, 0);
            for (int i = 0; i < x.length; i++) {
                float expected = (float) Math.pow(x[i], y[i]);
                assertTrue(ulps(out[i], expected) <= 1, "pow(" + x[i] + ", " + y[i] + ") = " + out[i] + ", not " + expected);
            }
        }
    }

    @Test
    void doubleFunctionsAreMathPerLane() {
        Random rnd = new Random(3);
        double[] x = new double[DS.length()], y = new double[DS.length()], out = new double[DS.length()];
        DoubleUnaryOperator[] refs = {Math::exp, Math::expm1, Math::log, Math::log1p, Math::tanh, ScalarOps::logistic, Math::sin, Math::cos};
        @SuppressWarnings("unchecked")
        UnaryOperator<DoubleVector>[] fs = new UnaryOperator[] {
            (UnaryOperator<DoubleVector>) VectorMath::exp, (UnaryOperator<DoubleVector>) VectorMath::expm1,
            (UnaryOperator<DoubleVector>) VectorMath::log, (UnaryOperator<DoubleVector>) VectorMath::log1p,
            (UnaryOperator<DoubleVector>) VectorMath::tanh, (UnaryOperator<DoubleVector>) VectorMath::logistic,
            (UnaryOperator<DoubleVector>) VectorMath::sin, (UnaryOperator<DoubleVector>) VectorMath::cos};
        for (int rep = 0; rep < 2000; rep++) {
            for (int i = 0; i < x.length; i++) {
                x[i] = rnd.nextGaussian() * 20;
                y[i] = rnd.nextGaussian();
            }
            for (int k = 0; k < fs.length; k++) {
                fs[k].apply(DoubleVector.fromArray(DS, x, 0)).intoArray(out, 0);
                for (int i = 0; i < x.length; i++) {
                    assertEquals(refs[k].applyAsDouble(x[i]), out[i], 0.0, "function " + k + " at " + x[i]);
                }
            }
            DoubleBinaryOperator pow = Math::pow;
            VectorMath.pow(DoubleVector.fromArray(DS, x, 0), DoubleVector.fromArray(DS, y, 0)).intoArray(out, 0);
            for (int i = 0; i < x.length; i++) {
                assertEquals(pow.applyAsDouble(x[i], y[i]), out[i], 0.0);
            }
        }
    }

    @Test
    void laneSumsAddHalvesInAFixedTree() {
        Random rnd = new Random(5);
        float[] f = new float[FS.length()];
        double[] d = new double[DS.length()];
        for (int rep = 0; rep < 10_000; rep++) {
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) (rnd.nextGaussian() * Math.exp(rnd.nextGaussian() * 10));
            }
            for (int i = 0; i < d.length; i++) {
                d[i] = rnd.nextGaussian() * Math.exp(rnd.nextGaussian() * 10);
            }
            assertEquals(Float.floatToRawIntBits(treeSum(f)), Float.floatToRawIntBits(VectorMath.sum(FloatVector.fromArray(FS, f, 0))));
            assertEquals(Double.doubleToRawLongBits(treeSum(d)), Double.doubleToRawLongBits(VectorMath.sum(DoubleVector.fromArray(DS, d, 0))));
        }
    }

    private static float treeSum(float[] v) {
        float[] a = v.clone();
        for (int h = a.length / 2; h >= 1; h /= 2) {
            for (int i = 0; i < h; i++) {
                a[i] += a[i + h];
            }
        }
        return a[0];
    }

    private static double treeSum(double[] v) {
        double[] a = v.clone();
        for (int h = a.length / 2; h >= 1; h /= 2) {
            for (int i = 0; i < h; i++) {
                a[i] += a[i + h];
            }
        }
        return a[0];
    }
}
