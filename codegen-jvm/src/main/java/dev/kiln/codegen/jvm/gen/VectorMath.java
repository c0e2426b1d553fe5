package dev.kiln.codegen.jvm.gen;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector forms of the elementwise functions and lane sums that generated kernels use, written so
 * that a kernel gives the same bits before and after HotSpot compiles it. The Vector API's own
 * {@code lanewise(EXP)}, {@code reduceLanes(ADD)} and friends do not promise that: their Java
 * fallback (interpreter, C1) computes per lane with {@code Math.exp} or sums lanes in order,
 * while C2 calls SVML or sums in a tree. Here every step is an exactly specified lane operation
 * (see {@link VectorLibm}), or a per-lane {@code Math} call, which HotSpot evaluates with the same
 * stub in interpreted and compiled code.
 *
 * <p>f32 functions follow the reference interpreter's semantics (compute in f64, round once) to
 * within an ulp. exp, log, log1p, expm1, tanh and the logistic work on f32 lanes ({@link VectorExp32},
 * {@link VectorLog32}, {@link VectorHyperbolic32}: Cephes-style reductions and polynomials,
 * within 1 ulp of the rounded f64 result on every 97th f32 bit pattern, {@code VectorMathTest}'s
 * sample, and bit-equal to it on all but 0.03-0.4% of them): about 4x cheaper than
 * widening, and, above all, small enough for C2 to inline into a kernel, where the widening route
 * is not ("callee is too large"), so that its vectors are boxed across every call (softmax takes
 * an exp per logit, an LSTM a tanh or logistic per gate, the DP-SGD noise a log per parameter).
 * sin, cos, pow and rsqrt still widen lanes to f64, compute there (to a few f64 ulps,
 * {@link VectorLibm}) and round once. Rounding matters: the logistic's gradient {@code s*(1-s)}
 * cancels badly for saturated {@code s}, so the f32-lane logistic computes 1/(1+e) and e/(1+e)
 * to about half an ulp and rounds to 1 exactly where the rounded f64 value is 1. f64 functions
 * run per lane with {@code Math} (f64 kernels serve tests and gradient checks, where exact
 * agreement beats speed).
 * Generated kernels call these; HotSpot inlines them up to its node limit per compiled method
 * (a fused LSTM cell with three logistics and two tanhs exceeds it, and some calls stay out of
 * line, boxing their vectors).
 */
public final class VectorMath {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    /** The lanes of an f32 vector that the second widened half fills. */
    private static final VectorMask<Float> HIGH = FS.indexInRange(-FS.length() / 2, FS.length() / 2);
    /** f32 exp(x) is 0 below -104 and +inf above 89: clamping keeps VectorLibm.exp in range. */
    private static final double EXP_LOW = -120, EXP_HIGH = 100;

    private VectorMath() {
    }

    // ---- lane sums ----

    /*
     * Each fold adds lane i + h to lane i. The shuffles are separate constant fields, and the lane
     * counts constants too, so that C2 unrolls the folds and emits one permute and one add each
     * (an array of shuffles read in a loop is not constant to C2 and runs several times slower).
     */
    private static final int F_LANES = FS.length(), D_LANES = DS.length();
    private static final VectorShuffle<Float> F32 = fold(FS, 32), F16 = fold(FS, 16), F8 = fold(FS, 8),
            F4 = fold(FS, 4), F2 = fold(FS, 2), F1 = fold(FS, 1);
    private static final VectorShuffle<Double> D16 = fold(DS, 16), D8 = fold(DS, 8), D4 = fold(DS, 4),
            D2 = fold(DS, 2), D1 = fold(DS, 1);

    /**
     * The sum of the lanes of {@code v} in a fixed tree order: lane i plus lane i + n/2, then
     * i + n/4, ..., 1 (for the widest vectors HotSpot offers, 64 floats and 32 doubles).
     */
    public static float sum(FloatVector v) {
        if (F_LANES > 64) {
            throw new IllegalStateException(F_LANES + " float lanes");
        }
        if (F_LANES == 64) {
            v = v.add(v.rearrange(F32));
        }
        if (F_LANES >= 32) {
            v = v.add(v.rearrange(F16));
        }
        if (F_LANES >= 16) {
            v = v.add(v.rearrange(F8));
        }
        if (F_LANES >= 8) {
            v = v.add(v.rearrange(F4));
        }
        if (F_LANES >= 4) {
            v = v.add(v.rearrange(F2));
        }
        if (F_LANES >= 2) {
            v = v.add(v.rearrange(F1));
        }
        return v.lane(0);
    }

    public static double sum(DoubleVector v) {
        if (D_LANES > 32) {
            throw new IllegalStateException(D_LANES + " double lanes");
        }
        if (D_LANES == 32) {
            v = v.add(v.rearrange(D16));
        }
        if (D_LANES >= 16) {
            v = v.add(v.rearrange(D8));
        }
        if (D_LANES >= 8) {
            v = v.add(v.rearrange(D4));
        }
        if (D_LANES >= 4) {
            v = v.add(v.rearrange(D2));
        }
        if (D_LANES >= 2) {
            v = v.add(v.rearrange(D1));
        }
        return v.lane(0);
    }

    /** The shuffle taking lane i + h (mod n) to lane i; unused (but harmless) when h >= n. */
    private static <E> VectorShuffle<E> fold(VectorSpecies<E> species, int h) {
        return VectorShuffle.iota(species, h % species.length(), 1, true);
    }

    // ---- f32 ----

    /** In f32 lanes ({@link VectorExp32}, within 1 ulp of the rounded f64 exp): small enough to inline. */
    public static FloatVector exp(FloatVector x) {
        return VectorExp32.exp(x);
    }

    /** In f32 lanes ({@link VectorHyperbolic32}, within 1 ulp of the rounded f64 expm1). */
    public static FloatVector expm1(FloatVector x) {
        return VectorHyperbolic32.expm1(x);
    }

    /** In f32 lanes ({@link VectorLog32}, within 1 ulp of the rounded f64 log): the DP noise's hot function. */
    public static FloatVector log(FloatVector x) {
        return VectorLog32.log(x);
    }

    /** In f32 lanes ({@link VectorLog32#log1p}, within 1 ulp of the rounded f64 log1p). */
    public static FloatVector log1p(FloatVector x) {
        return VectorLog32.log1p(x);
    }

    /** In f32 lanes ({@link VectorHyperbolic32}, within 1 ulp of the rounded f64 tanh). */
    public static FloatVector tanh(FloatVector x) {
        return VectorHyperbolic32.tanh(x);
    }

    /** In f32 lanes ({@link VectorHyperbolic32}, within 1 ulp of the interpreter's rounded f64 logistic). */
    public static FloatVector logistic(FloatVector x) {
        return VectorHyperbolic32.logistic(x);
    }

    public static FloatVector sin(FloatVector x) {
        return narrow(trig32(widen(x, 0), false), trig32(widen(x, 1), false));
    }

    public static FloatVector cos(FloatVector x) {
        return narrow(trig32(widen(x, 0), true), trig32(widen(x, 1), true));
    }

    /** Lanes too large for Cody-Waite reduction (rare) take Math.sin/cos, as the interpreter does. */
    private static DoubleVector trig32(DoubleVector x, boolean cosine) {
        DoubleVector v = VectorLibm.sinCos(x, cosine);
        VectorMask<Double> huge = x.abs().compare(VectorOperators.GT, VectorLibm.TRIG_LIMIT)
                .andNot(x.abs().compare(VectorOperators.EQ, Double.POSITIVE_INFINITY));
        if (!huge.anyTrue()) {
            return v;
        }
        return perLane(x, cosine ? Math::cos : Math::sin).blend(v, huge.not());
    }

    /**
     * x^y as e^(y ln x) for finite x > 0 and finite y (the error of y ln x, a few f64 ulps of a
     * value below 120 in magnitude, stays far below an f32 ulp of the result); every other lane
     * (zeros, negatives, infinities, NaNs: Math.pow's many special cases) takes Math.pow.
     */
    public static FloatVector pow(FloatVector x, FloatVector y) {
        return narrow(pow32(widen(x, 0), widen(y, 0)), pow32(widen(x, 1), widen(y, 1)));
    }

    private static DoubleVector pow32(DoubleVector x, DoubleVector y) {
        DoubleVector w = y.mul(VectorLibm.log(x)).max(EXP_LOW).min(EXP_HIGH);
        DoubleVector v = VectorLibm.exp(w);
        VectorMask<Double> plain = x.compare(VectorOperators.GT, 0.0)
                .and(x.test(VectorOperators.IS_FINITE))
                .and(y.test(VectorOperators.IS_FINITE));
        if (plain.allTrue()) {
            return v;
        }
        return perLane(x, y, Math::pow).blend(v, plain);
    }

    public static FloatVector rsqrt(FloatVector x) {
        return narrow(rsqrt(widen(x, 0)), rsqrt(widen(x, 1)));
    }

    // ---- f64 ----

    public static DoubleVector exp(DoubleVector x) {
        return perLane(x, Math::exp);
    }

    public static DoubleVector expm1(DoubleVector x) {
        return perLane(x, Math::expm1);
    }

    public static DoubleVector log(DoubleVector x) {
        return perLane(x, Math::log);
    }

    public static DoubleVector log1p(DoubleVector x) {
        return perLane(x, Math::log1p);
    }

    public static DoubleVector tanh(DoubleVector x) {
        return perLane(x, Math::tanh);
    }

    public static DoubleVector logistic(DoubleVector x) {
        return perLane(x, ScalarOps::logistic);
    }

    public static DoubleVector sin(DoubleVector x) {
        return perLane(x, Math::sin);
    }

    public static DoubleVector cos(DoubleVector x) {
        return perLane(x, Math::cos);
    }

    public static DoubleVector pow(DoubleVector x, DoubleVector y) {
        return perLane(x, y, Math::pow);
    }

    /** Division and square root are exactly rounded, so this is deterministic as it stands. */
    public static DoubleVector rsqrt(DoubleVector x) {
        return DoubleVector.broadcast(DS, 1.0).div(x.sqrt());
    }

    private static DoubleVector perLane(DoubleVector x, DoubleUnaryOperator f) {
        double[] a = x.toArray();
        for (int i = 0; i < a.length; i++) {
            a[i] = f.applyAsDouble(a[i]);
        }
        return DoubleVector.fromArray(DS, a, 0);
    }

    private static DoubleVector perLane(DoubleVector x, DoubleVector y, DoubleBinaryOperator f) {
        double[] a = x.toArray();
        double[] b = y.toArray();
        for (int i = 0; i < a.length; i++) {
            a[i] = f.applyAsDouble(a[i], b[i]);
        }
        return DoubleVector.fromArray(DS, a, 0);
    }

    private static DoubleVector widen(FloatVector x, int part) {
        return (DoubleVector) x.convertShape(VectorOperators.F2D, DS, part);
    }

    /** The f32 vector whose low half is {@code lo} and high half {@code hi}, each rounded once. */
    private static FloatVector narrow(DoubleVector lo, DoubleVector hi) {
        FloatVector a = (FloatVector) lo.convertShape(VectorOperators.D2F, FS, 0);
        FloatVector b = (FloatVector) hi.convertShape(VectorOperators.D2F, FS, -1);
        return a.blend(b, HIGH);
    }
}
