package dev.kiln.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.interp.Interpreter;
import dev.kiln.tracer.Fn1;
import dev.kiln.tracer.Fn2;
import dev.kiln.tracer.FnN;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.TracedFunction;
import dev.kiln.tracer.Tracing;
import dev.kiln.tracer.tree.PyTree;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The user API: pytrees in and out, argnums, aux values, valueAndGrad, vjp, errors, nesting. */
class AutodiffApiTest {

    record Params(Tensor w, Tensor b) {
    }

    /** {@code sum((x w + b)^2)} for x [2,3], w [3,2], b [2]. */
    private static final Fn2<Params, Tensor, Tensor> LINEAR_LOSS =
            (p, x) -> x.matmul(p.w()).add(p.b()).square().sum();

    private static final Tensor X = Tensor.of(new double[] {1, 2, 3, -1, 0.5, 2}, 2, 3);
    private static final Params P = new Params(Tensor.of(new double[] {0.1, -0.2, 0.3, 0.4, -0.5, 0.6}, 3, 2),
            Tensor.of(new double[] {0.05, -0.1}, 2));

    /** The hand-derived gradient: dW = 2 x^T r, db = 2 sum_rows(r), with r = x w + b. */
    private static double[][] expectedLinearGrad() {
        double[] x = X.toDoubleArray(), w = P.w().toDoubleArray(), b = P.b().toDoubleArray();
        double[] r = new double[4];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                double s = b[j];
                for (int k = 0; k < 3; k++) {
                    s += x[i * 3 + k] * w[k * 2 + j];
                }
                r[i * 2 + j] = s;
            }
        }
        double[] dw = new double[6], db = new double[2];
        for (int k = 0; k < 3; k++) {
            for (int j = 0; j < 2; j++) {
                dw[k * 2 + j] = 2 * (x[k] * r[j] + x[3 + k] * r[2 + j]);
            }
        }
        for (int j = 0; j < 2; j++) {
            db[j] = 2 * (r[j] + r[2 + j]);
        }
        return new double[][] {dw, db};
    }

    @Test
    void gradOfARecordOfParametersIsARecordOfGradients() {
        Object g = Autodiff.grad(LINEAR_LOSS.erase(), new int[] {0}, false).apply(List.of(P, X));
        Params grad = assertInstanceOf(Params.class, g);
        double[][] expected = expectedLinearGrad();
        assertArrayEquals(expected[0], grad.w().toDoubleArray(), 1e-12);
        assertArrayEquals(expected[1], grad.b().toDoubleArray(), 1e-12);
        assertArrayEquals(new int[] {3, 2}, grad.w().dims());
    }

    @Test
    void severalArgnumsGiveAListOfGradients() {
        Object g = Autodiff.grad(LINEAR_LOSS.erase(), new int[] {1, 0}, false).apply(List.of(P, X));
        List<?> grads = assertInstanceOf(List.class, g);
        assertEquals(2, grads.size());
        Tensor dx = assertInstanceOf(Tensor.class, grads.get(0));
        assertArrayEquals(X.dims(), dx.dims());
        assertArrayEquals(expectedLinearGrad()[1], ((Params) grads.get(1)).b().toDoubleArray(), 1e-12);
    }

    @Test
    void hasAuxPassesAuxiliaryValuesThroughUndifferentiated() {
        FnN f = ((Fn2<Params, Tensor, WithAux<Map<String, Tensor>>>) (p, x) -> {
            Tensor pred = x.matmul(p.w()).add(p.b());
            return new WithAux<>(pred.square().sum(), Map.of("pred", pred, "mean", pred.mean()));
        }).erase();
        Object r = Autodiff.grad(f, new int[] {0}, true).apply(List.of(P, X));
        GradAndAux<?, ?> ga = assertInstanceOf(GradAndAux.class, r);
        assertArrayEquals(expectedLinearGrad()[0], ((Params) ga.grad()).w().toDoubleArray(), 1e-12);
        Map<?, ?> aux = assertInstanceOf(Map.class, ga.aux());
        assertArrayEquals(new int[] {2, 2}, ((Tensor) aux.get("pred")).dims());
        double[] pred = X.matmul(P.w()).add(P.b()).toDoubleArray();
        assertArrayEquals(pred, ((Tensor) aux.get("pred")).toDoubleArray(), 1e-12);
    }

    @Test
    void valueAndGradReturnsTheLossAndItsGradient() {
        Object r = Autodiff.valueAndGrad(LINEAR_LOSS.erase(), new int[] {0}, false).apply(List.of(P, X));
        ValueAndGrad<?> vg = assertInstanceOf(ValueAndGrad.class, r);
        assertEquals(LINEAR_LOSS.apply(P, X).item(), vg.value().item(), 1e-12);
        assertArrayEquals(expectedLinearGrad()[1], ((Params) vg.grad()).b().toDoubleArray(), 1e-12);
    }

    @Test
    void valueAndGradWithAuxReturnsAllThree() {
        FnN f = ((Fn1<Tensor, WithAux<Tensor>>) x -> new WithAux<>(x.square().sum(), x.mul(3.0))).erase();
        Tensor x = Tensor.of(new double[] {1, -2}, 2);
        var r = assertInstanceOf(ValueGradAndAux.class, Autodiff.valueAndGrad(f, new int[] {0}, true).apply(List.of(x)));
        assertEquals(5, r.value().item(), 1e-12);
        assertArrayEquals(new double[] {2, -4}, ((Tensor) r.grad()).toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {3, -6}, ((Tensor) r.aux()).toDoubleArray(), 1e-12);
    }

    @Test
    void gradWithAuxOfAPlainTensorResultIsAnError() {
        FnN g = Autodiff.grad(((Fn1<Tensor, Tensor>) x -> x.sum()).erase(), new int[] {0}, true);
        KilnException e = assertThrows(KilnException.class, () -> g.apply(List.of(Tensor.of(new double[] {1}))));
        assertTrue(e.getMessage().contains("WithAux"), e.getMessage());
    }

    @Test
    void vjpReturnsTheOutputAndAPullbackOverPytrees() {
        FnN f = ((Fn2<Params, Tensor, Params>) (p, x) -> new Params(p.w().mul(x.sum()), p.b().exp())).erase();
        Tensor x = Tensor.of(new double[] {1, 2}, 2);
        VjpResult r = Autodiff.vjp(f, List.of(P, x));
        Params out = assertInstanceOf(Params.class, r.output());
        assertArrayEquals(P.w().mul(3.0).toDoubleArray(), out.w().toDoubleArray(), 1e-12);
        Params ct = new Params(Tensor.ones(DType.F64, 3, 2), Tensor.of(new double[] {1, 2}, 2));
        List<?> cts = assertInstanceOf(List.class, r.pullback().apply(List.of(ct)));
        Params dp = (Params) cts.get(0);
        assertArrayEquals(new double[] {3, 3, 3, 3, 3, 3}, dp.w().toDoubleArray(), 1e-12);
        double[] b = P.b().toDoubleArray();
        assertArrayEquals(new double[] {Math.exp(b[0]), 2 * Math.exp(b[1])}, dp.b().toDoubleArray(), 1e-12);
        double sumW = java.util.Arrays.stream(P.w().toDoubleArray()).sum();
        assertArrayEquals(new double[] {sumW, sumW}, ((Tensor) cts.get(1)).toDoubleArray(), 1e-12);
    }

    @Test
    void vjpPullbackRejectsACotangentOfTheWrongType() {
        VjpResult r = Autodiff.vjp(((Fn1<Tensor, Tensor>) x -> x.exp()).erase(), List.of(Tensor.of(new double[] {1, 2})));
        KilnException e = assertThrows(KilnException.class,
                () -> r.pullback().apply(List.of(Tensor.of(new double[] {1, 2, 3}))));
        assertTrue(e.getMessage().contains("f64[3]") && e.getMessage().contains("f64[2]"), e.getMessage());
    }

    @Test
    void gradInsideATraceIsInlinedAndMatchesEagerGrad() {
        FnN grad = Autodiff.grad(LINEAR_LOSS.erase(), new int[] {0}, false);
        TracedFunction tf = Tracing.trace(grad, List.of(P, X), "outer");
        List<Tensor> leaves = PyTree.flatten(List.of(P, X)).tensors();
        List<dev.kiln.ir.ArrayData> in = new ArrayList<>();
        for (Tensor t : leaves) {
            in.add(t.data());
        }
        var out = Interpreter.run(tf.graph(), in);
        Params eager = (Params) grad.apply(List.of(P, X));
        assertArrayEquals(eager.w().toDoubleArray(), out.get(0).toDoubleArray(), 1e-12);
        assertArrayEquals(eager.b().toDoubleArray(), out.get(1).toDoubleArray(), 1e-12);
    }

    /** A stand-in for jit (which lives in runtime): trace, then apply the graph. */
    private static FnN traceAndApply(FnN f) {
        return args -> {
            TracedFunction tf = Tracing.trace(f, args, "jit");
            List<Tensor> in = new ArrayList<>(PyTree.flatten(args).tensors());
            in.addAll(tf.captured());
            return tf.outTree().unflatten(Tracing.apply(tf.graph(), in));
        };
    }

    @Test
    void gradOfAJittedFunctionEqualsGradOfTheFunction() {
        FnN direct = Autodiff.grad(LINEAR_LOSS.erase(), new int[] {0}, false);
        FnN ofJit = Autodiff.grad(traceAndApply(LINEAR_LOSS.erase()), new int[] {0}, false);
        FnN jitOfGrad = traceAndApply(direct);
        Params a = (Params) direct.apply(List.of(P, X));
        for (FnN other : List.of(ofJit, jitOfGrad)) {
            Params b = (Params) other.apply(List.of(P, X));
            assertArrayEquals(a.w().toDoubleArray(), b.w().toDoubleArray(), 1e-12);
            assertArrayEquals(a.b().toDoubleArray(), b.b().toDoubleArray(), 1e-12);
        }
    }

    @Test
    void gradOfAFunctionClosingOverAnOuterTracerDifferentiatesThroughIt() {
        // d/dx [ d/dy (x * y) at y = 3 ] = d/dx x = 1, and d/dx [x * d/dy (x y^2)] = d/dx 2 x^2 y = 4xy.
        Fn1<Tensor, Tensor> outer = x -> {
            FnN inner = ((Fn1<Tensor, Tensor>) y -> x.mul(y).mul(y)).erase();
            Tensor dInner = (Tensor) Autodiff.grad(inner, new int[] {0}, false).apply(List.of(Tensor.scalar(3.0, DType.F64)));
            return x.mul(dInner);
        };
        Tensor x = Tensor.scalar(0.5, DType.F64);
        Tensor g = (Tensor) Autodiff.grad(outer.erase(), new int[] {0}, false).apply(List.of(x));
        assertEquals(4 * 0.5 * 3, g.item(), 1e-12);
    }

    @Test
    void gradOfAnUnusedArgumentIsZero() {
        FnN f = ((Fn2<Tensor, Tensor, Tensor>) (x, y) -> x.sum()).erase();
        Object g = Autodiff.grad(f, new int[] {1}, false).apply(List.of(Tensor.of(new double[] {1}), Tensor.ones(DType.F64, 2, 2)));
        assertArrayEquals(new double[] {0, 0, 0, 0}, ((Tensor) g).toDoubleArray(), 0);
    }

    @Test
    void gradGraphIsAValidGraphForRuntimeUse() {
        Graph g = Tracing.makeGraph(LINEAR_LOSS.erase(), List.of(P, X));
        Graph gg = GradGraphs.valueAndGrad(g, new boolean[] {true, true, false});
        assertEquals(g.inputTypes(), gg.inputTypes());
        assertEquals(List.of(g.outputTypes().get(0), P.w().type(), P.b().type()), gg.outputTypes());
    }

    @Test
    void gradOfAnF32FunctionIsF32() {
        FnN f = ((Fn1<Tensor, Tensor>) x -> x.square().mul(0.5).sum()).erase();
        Tensor x = Tensor.of(new float[] {1.5f, -2f}, 2);
        Tensor g = (Tensor) Autodiff.grad(f, new int[] {0}, false).apply(List.of(x));
        assertEquals(DType.F32, g.dtype());
        assertArrayEquals(new float[] {1.5f, -2f}, g.toFloatArray(), 0);
    }

    @Test
    void readingATracerInsideGradNamesTheGradTrace() {
        FnN f = ((Fn1<Tensor, Tensor>) x -> Tensor.scalar(x.sum().item(), DType.F64)).erase();
        FnN g = Autodiff.grad(f, new int[] {0}, false);
        KilnException e = assertThrows(KilnException.class, () -> g.apply(List.of(Tensor.of(new double[] {1}))));
        assertTrue(e.getMessage().contains("inside grad("), e.getMessage());
    }

    record Config(String name, double scale) {
    }

    @Test
    void anArgumentWithNoTensorsHasAnEmptyGradientStructure() {
        FnN f = ((Fn2<Tensor, Config, Tensor>) (x, c) -> x.mul(c.scale()).sum()).erase();
        Object g = Autodiff.grad(f, new int[] {0, 1}, false)
                .apply(List.of(Tensor.of(new double[] {1, 2}), new Config("c", 3)));
        List<?> grads = assertInstanceOf(List.class, g);
        assertArrayEquals(new double[] {3, 3}, ((Tensor) grads.get(0)).toDoubleArray(), 0);
        assertEquals(new Config("c", 3), grads.get(1));
    }
}
