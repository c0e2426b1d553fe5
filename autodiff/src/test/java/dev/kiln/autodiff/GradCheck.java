package dev.kiln.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
import dev.kiln.ir.GraphBuilder;
import dev.kiln.ir.SourceLocation;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.interp.Interpreter;
import dev.kiln.ir.prim.Primitive;
import dev.kiln.ir.prim.ShapeRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The oracle of the autodiff tests: central finite differences in f64. {@link #checkPrimitive}
 * compares the VJP graph of one primitive, with a random cotangent, against the finite-difference
 * gradient of {@code sum(ct * prim(x...))}; {@link #checkGrad} does the same for the gradient
 * graph of a whole scalar program.
 */
final class GradCheck {
    static final double STEP = 1e-5;
    static final double RTOL = 1e-6;

    private GradCheck() {
    }

    // ---- random data ----

    static ArrayData normal(Random r, int... dims) {
        double[] d = new double[TensorType.of(DType.F64, dims).numel()];
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextGaussian();
        }
        return ArrayData.of(d, dims);
    }

    /** Uniform in {@code [lo, hi)}. */
    static ArrayData uniform(Random r, double lo, double hi, int... dims) {
        double[] d = new double[TensorType.of(DType.F64, dims).numel()];
        for (int i = 0; i < d.length; i++) {
            d[i] = lo + (hi - lo) * r.nextDouble();
        }
        return ArrayData.of(d, dims);
    }

    /** Values at least {@code gap} apart (a shuffled, jittered ramp): no ties, no near-ties. */
    static ArrayData distinct(Random r, double gap, int... dims) {
        int n = TensorType.of(DType.F64, dims).numel();
        List<Double> v = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            v.add((i - n / 2.0) * gap * 2 + gap * 0.5 * r.nextDouble());
        }
        java.util.Collections.shuffle(v, r);
        return ArrayData.of(v.stream().mapToDouble(Double::doubleValue).toArray(), dims);
    }

    static ArrayData indices(Random r, int bound, int... dims) {
        int[] d = new int[TensorType.of(DType.I32, dims).numel()];
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextInt(bound);
        }
        return ArrayData.of(d, dims);
    }

    static ArrayData bools(Random r, int... dims) {
        boolean[] d = new boolean[TensorType.of(DType.BOOL, dims).numel()];
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextBoolean();
        }
        return ArrayData.of(d, dims);
    }

    static int[] dims(Random r, int rank, int lo, int hi) {
        int[] d = new int[rank];
        for (int i = 0; i < rank; i++) {
            d[i] = lo + r.nextInt(hi - lo + 1);
        }
        return d;
    }

    // ---- checks ----

    /** The one-equation graph {@code (operands...) -> p(operands...)}. */
    static Graph single(Primitive p, List<ArrayData> operands) {
        GraphBuilder b = new GraphBuilder();
        List<Var> in = new ArrayList<>();
        for (ArrayData a : operands) {
            in.add(b.addInput(a.type()));
        }
        return b.build(List.of(b.addEquation(p, in, SourceLocation.UNKNOWN)));
    }

    /**
     * Checks the VJP of {@code p} at {@code operands} with respect to the operands marked in
     * {@code wrt}, against finite differences of {@code sum(ct * p(operands))} for a random ct.
     */
    static void checkPrimitive(Primitive p, List<ArrayData> operands, boolean[] wrt, Random r) {
        TensorType outType = ShapeRules.infer(p, operands.stream().map(ArrayData::type).toList());
        ArrayData ct = normal(r, outType.shape().toArray());
        Graph vjp = Vjp.graph(single(p, operands), wrt);
        List<ArrayData> in = new ArrayList<>(operands);
        in.add(ct);
        List<ArrayData> out = Interpreter.run(vjp, in);
        int k = 1;
        for (int i = 0; i < wrt.length; i++) {
            if (!wrt[i]) {
                continue;
            }
            int arg = i;
            ArrayData fd = finiteDifference(operands, arg, xs -> dot(ct, Interpreter.evaluate(p, xs)));
            assertClose(fd, out.get(k++), p + " operand " + i + " at " + describe(operands));
        }
    }

    /** Checks {@link GradGraphs#grad} of the scalar program {@code g} against finite differences. */
    static void checkGrad(Graph g, List<ArrayData> inputs, boolean[] wrt) {
        List<ArrayData> grads = Interpreter.run(GradGraphs.grad(g, wrt), inputs);
        int k = 0;
        for (int i = 0; i < wrt.length; i++) {
            if (wrt[i]) {
                ArrayData fd = finiteDifference(inputs, i, xs -> Interpreter.run(g, xs).get(0).getDouble(0));
                assertClose(fd, grads.get(k++), "input " + i + " of\n" + g);
            }
        }
    }

    /** The central-difference gradient of scalar {@code f} with respect to {@code inputs[arg]}. */
    static ArrayData finiteDifference(List<ArrayData> inputs, int arg,
                                      java.util.function.ToDoubleFunction<List<ArrayData>> f) {
        ArrayData x = inputs.get(arg);
        ArrayData grad = ArrayData.zeros(x.type());
        for (int j = 0; j < x.size(); j++) {
            grad.setDouble(j, (f.applyAsDouble(with(inputs, arg, x, j, STEP))
                    - f.applyAsDouble(with(inputs, arg, x, j, -STEP))) / (2 * STEP));
        }
        return grad;
    }

    private static List<ArrayData> with(List<ArrayData> inputs, int arg, ArrayData x, int j, double delta) {
        ArrayData y = x.copy();
        y.setDouble(j, x.getDouble(j) + delta);
        List<ArrayData> out = new ArrayList<>(inputs);
        out.set(arg, y);
        return out;
    }

    static double dot(ArrayData a, ArrayData b) {
        double s = 0;
        for (int i = 0; i < a.size(); i++) {
            s += a.getDouble(i) * b.getDouble(i);
        }
        return s;
    }

    /** {@code |actual - expected| <= RTOL * max|expected| + 1e-9}, elementwise. */
    static void assertClose(ArrayData expected, ArrayData actual, String what) {
        assertEquals(expected.type(), actual.type(), what);
        double scale = 0;
        for (int i = 0; i < expected.size(); i++) {
            scale = Math.max(scale, Math.abs(expected.getDouble(i)));
        }
        double tol = RTOL * scale + 1e-9;
        for (int i = 0; i < expected.size(); i++) {
            double e = expected.getDouble(i), a = actual.getDouble(i);
            if (!(Math.abs(e - a) <= tol)) {
                fail(what + ": element " + i + " is " + a + ", finite differences give " + e + " (tolerance " + tol
                        + ")\n expected " + expected + "\n actual   " + actual);
            }
        }
    }

    static String describe(List<ArrayData> operands) {
        return operands.stream().map(a -> a.type().toString()).toList().toString();
    }
}
