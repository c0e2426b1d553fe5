package dev.kiln.ir.interp;

import dev.kiln.ir.ArrayCompare;
import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Atom;
import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
import dev.kiln.ir.GraphBuilder;
import dev.kiln.ir.SourceLocation;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.Primitive;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.ToDoubleFunction;

/** Random arrays, coordinate helpers and one-equation graphs shared by the interpreter tests. */
final class TestData {
    private TestData() {
    }

    /** Floats uniform in [-2, 2), ints in [-50, 50], fair booleans. */
    static ArrayData random(Random rnd, DType dtype, int... shape) {
        ArrayData a = ArrayData.zeros(TensorType.of(dtype, shape));
        for (int i = 0; i < a.size(); i++) {
            switch (dtype) {
                case F32, F64 -> a.setDouble(i, rnd.nextDouble() * 4 - 2);
                case I32 -> a.setInt(i, rnd.nextInt(101) - 50);
                case BOOL -> a.setDouble(i, rnd.nextBoolean() ? 1 : 0);
            }
        }
        return a;
    }

    /** Small integers in [0, levels) stored as {@code dtype}: plenty of exact ties. */
    static ArrayData randomLevels(Random rnd, DType dtype, int levels, int... shape) {
        ArrayData a = ArrayData.zeros(TensorType.of(dtype, shape));
        for (int i = 0; i < a.size(); i++) {
            a.setDouble(i, rnd.nextInt(levels));
        }
        return a;
    }

    static int[] randomShape(Random rnd, int rank, int maxDim) {
        int[] s = new int[rank];
        for (int i = 0; i < rank; i++) {
            s[i] = 1 + rnd.nextInt(maxDim);
        }
        return s;
    }

    /** An array of {@code dtype} and {@code shape} whose element at each coordinate is {@code f(coordinate)}. */
    static ArrayData fromFunction(DType dtype, int[] shape, ToDoubleFunction<int[]> f) {
        ArrayData a = ArrayData.zeros(TensorType.of(dtype, shape));
        for (int i = 0; i < a.size(); i++) {
            a.setDouble(i, f.applyAsDouble(unflat(i, shape)));
        }
        return a;
    }

    /** Row-major flat index of {@code idx} in {@code dims}. */
    static int flat(int[] idx, int[] dims) {
        int f = 0;
        for (int d = 0; d < dims.length; d++) {
            f = f * dims[d] + idx[d];
        }
        return f;
    }

    static int[] unflat(int flat, int[] dims) {
        int[] idx = new int[dims.length];
        for (int d = dims.length - 1; d >= 0; d--) {
            idx[d] = flat % dims[d];
            flat /= dims[d];
        }
        return idx;
    }

    /** The element of {@code a} at coordinate {@code idx}. */
    static double at(ArrayData a, int... idx) {
        return a.getDouble(flat(idx, a.shape().toArray()));
    }

    /** Builds {@code p(operands)} as a one-equation graph whose inputs are the operands, and runs it. */
    static ArrayData run(Primitive p, ArrayData... operands) {
        GraphBuilder b = new GraphBuilder();
        List<Var> ins = new ArrayList<>();
        for (ArrayData x : operands) {
            ins.add(b.addInput(x.type()));
        }
        Var out = b.addEquation(p, ins, SourceLocation.UNKNOWN);
        Graph g = b.build(List.of(out));
        return Interpreter.run(g, List.of(operands)).get(0);
    }

    /** Builds {@code p(atoms)} where the atoms are literals or the graph's inputs, and runs it. */
    static ArrayData runWith(Primitive p, List<ArrayData> inputs, java.util.function.Function<List<Var>, List<Atom>> operands) {
        GraphBuilder b = new GraphBuilder();
        List<Var> ins = new ArrayList<>();
        for (ArrayData x : inputs) {
            ins.add(b.addInput(x.type()));
        }
        Var out = b.addEquation(p, operands.apply(ins), SourceLocation.UNKNOWN);
        return Interpreter.run(b.build(List.of(out)), inputs).get(0);
    }

    /** A tolerance that suits a double-accumulated reference: tight for f64, f32 rounding for f32. */
    static void assertClose(ArrayData expected, ArrayData actual, String what) {
        boolean f32 = actual.dtype() == DType.F32 || expected.dtype() == DType.F32;
        double tol = f32 ? 2e-6 : 1e-12;
        if (!expected.type().equals(actual.type())) {
            throw new AssertionError(what + ": type " + actual.type() + ", expected " + expected.type());
        }
        ArrayCompare.assertClose(expected, actual, tol, tol, what);
    }

    /** Same dtype, shape and bit-identical elements. */
    static void assertExact(ArrayData expected, ArrayData actual, String what) {
        if (!expected.type().equals(actual.type())) {
            throw new AssertionError(what + ": type " + actual.type() + ", expected " + expected.type());
        }
        ArrayCompare.assertClose(expected, actual, 0, 0, what);
        if (!expected.contentEquals(actual)) {
            throw new AssertionError(what + ": expected " + expected + " but was " + actual);
        }
    }

    static final DType[] FLOATS = {DType.F32, DType.F64};
}
