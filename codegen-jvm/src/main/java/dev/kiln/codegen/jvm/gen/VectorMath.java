package dev.kiln.codegen.jvm.gen;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector forms of the elementwise functions that are not one Vector API operation, with the
 * reference interpreter's semantics: f32 lanes are widened to f64, computed there and rounded
 * once, exactly as the interpreter evaluates f32 functions. Rounding matters here: the logistic's
 * gradient {@code s*(1-s)} cancels badly for saturated {@code s}, so an extra ulp in {@code s}
 * becomes a visible error in an LSTM's gradients. Generated kernels call these; HotSpot inlines them.
 */
public final class VectorMath {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    /** The lanes of an f32 vector that the second widened half fills. */
    private static final VectorMask<Float> HIGH = FS.indexInRange(-FS.length() / 2, FS.length() / 2);

    private VectorMath() {
    }

    /** {@code 1/(1+e^-x)} for x >= 0, {@code e^x/(1+e^x)} below: neither overflows nor loses tiny values. */
    public static DoubleVector logistic(DoubleVector x) {
        DoubleVector e = x.abs().neg().lanewise(VectorOperators.EXP);
        DoubleVector onePlus = e.add(1.0);
        DoubleVector negative = e.div(onePlus);
        DoubleVector positive = DoubleVector.broadcast(DS, 1.0).div(onePlus);
        return negative.blend(positive, x.compare(VectorOperators.GE, 0.0));
    }

    public static DoubleVector rsqrt(DoubleVector x) {
        return DoubleVector.broadcast(DS, 1.0).div(x.sqrt());
    }

    public static FloatVector logistic(FloatVector x) {
        return narrow(logistic(widen(x, 0)), logistic(widen(x, 1)));
    }

    public static FloatVector rsqrt(FloatVector x) {
        return narrow(rsqrt(widen(x, 0)), rsqrt(widen(x, 1)));
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
