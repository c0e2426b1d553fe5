package dev.kiln.runtime;

import static dev.kiln.runtime.TestTensors.assertTreeClose;
import static dev.kiln.runtime.TestTensors.assertTreeEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.autodiff.GradAndAux;
import dev.kiln.autodiff.ValueAndGrad;
import dev.kiln.autodiff.WithAux;
import dev.kiln.tracer.Fn1;
import dev.kiln.tracer.Fn2;
import dev.kiln.tracer.Fn3;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.nn.Functional;
import dev.kiln.tracer.nn.Linear;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * jit, grad and vmap composed in every order, checked against eager runs, loops over examples
 * and f64 finite differences.
 */
class CompositionTest {
    private static final JitOptions INTERP = JitOptions.defaults().onBackend("interpreter");
    private static final double FD_TOL = 1e-6;
    private final TestTensors r = new TestTensors(11);

    /** A smooth scalar function of a vector and a matrix, in f64. */
    private static final Fn2<Tensor, Tensor, Tensor> F = (x, w) -> w.matmul(x).tanh().square().sum().add(x.exp().mean());

    record Model(Linear fc1, Linear fc2) {
    }

    private static final Fn3<Model, Tensor, Tensor, Tensor> LOSS = (m, x, y) ->
            Functional.crossEntropyMean(m.fc2().apply(m.fc1().apply(x).tanh()), y);

    /** One example's loss: x [in], y scalar i32, as vmap hands them over. */
    private static final Fn3<Model, Tensor, Tensor, Tensor> EXAMPLE_LOSS = (m, x, y) ->
            LOSS.apply(m, x.expandDims(0), y.expandDims(0));

    private Model model() {
        return new Model(new Linear(r.f64(4, 3), r.f64(4)), new Linear(r.f64(2, 4), r.f64(2)));
    }

    /** Central finite differences of a scalar function of one f64 tensor. */
    private static Tensor finiteDifferences(Function<Tensor, Tensor> f, Tensor x) {
        double[] v = x.toDoubleArray();
        double[] g = new double[v.length];
        double eps = 1e-6;
        for (int i = 0; i < v.length; i++) {
            double keep = v[i];
            v[i] = keep + eps;
            double hi = f.apply(Tensor.of(v.clone(), x.dims())).item();
            v[i] = keep - eps;
            double lo = f.apply(Tensor.of(v.clone(), x.dims())).item();
            v[i] = keep;
            g[i] = (hi - lo) / (2 * eps);
        }
        return Tensor.of(g, x.dims());
    }

    private static Tensor row(Tensor t, int i) {
        return t.index(0, i);
    }

    @Test
    void jitOfGradMatchesEagerGradAndFiniteDifferences() {
        Tensor x = r.f64(3);
        Tensor w = r.f64(2, 3);
        Fn2<Tensor, Tensor, Tensor> g = Kiln.grad(F);
        Tensor eager = g.apply(x, w);
        assertTreeEquals(eager, Kiln.jit(g, INTERP).apply(x, w), "jit(grad(f))");
        assertTreeClose(finiteDifferences(v -> F.apply(v, w), x), eager, FD_TOL, "grad(f) vs finite differences");
    }

    @Test
    void gradOfJitMatchesGradOfTheFunction() {
        Tensor x = r.f64(3);
        Tensor w = r.f64(2, 3);
        Fn2<Tensor, Tensor, Tensor> jitted = Kiln.jit(F, INTERP);
        assertTreeEquals(Kiln.grad(F).apply(x, w), Kiln.grad(jitted).apply(x, w), "grad(jit(f))");
        List<Object> both = Kiln.grad(jitted, 0, 1).apply(x, w);
        assertTreeEquals(Kiln.grad(F, 0, 1).apply(x, w), both, "grad(jit(f)) w.r.t. both arguments");
    }

    @Test
    void jitOfVmapAndVmapOfJitMatchTheLoop() {
        Fn2<Tensor, Tensor, Tensor> f = (x, w) -> w.matmul(x).relu().add(x.sum());
        Tensor xs = r.f32(5, 3);
        Tensor w = r.f32(4, 3);
        List<Tensor> loop = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            loop.add(f.apply(row(xs, i), w));
        }
        Tensor expected = Tensor.stack(0, loop);
        Fn2<Tensor, Tensor, Tensor> vf = Kiln.vmap(f, Kiln.in(0, null));
        assertTreeClose(expected, vf.apply(xs, w), 1e-6, "vmap(f)");
        assertTreeEquals(vf.apply(xs, w), Kiln.jit(vf, INTERP).apply(xs, w), "jit(vmap(f))");
        Fn2<Tensor, Tensor, Tensor> vjf = Kiln.vmap(Kiln.jit(f, INTERP), Kiln.in(0, null));
        assertTreeEquals(vf.apply(xs, w), vjf.apply(xs, w), "vmap(jit(f))");
    }

    @Test
    void vmapOfAOneArgumentFunctionReadsAListOfAxesAsTheArgumentsStructure() {
        Fn1<List<Tensor>, Tensor> f = xw -> xw.get(1).matmul(xw.get(0));
        Tensor xs = r.f32(5, 3);
        Tensor w = r.f32(4, 3);
        List<Tensor> loop = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            loop.add(f.apply(List.of(row(xs, i), w)));
        }
        Tensor expected = Tensor.stack(0, loop);
        assertTreeClose(expected, Kiln.vmap(f, java.util.Arrays.asList(0, null), 0).apply(List.of(xs, w)), 1e-6,
                "axes as the argument's pytree");
        assertTreeClose(expected, Kiln.vmap(f, Kiln.in(java.util.Arrays.asList(0, null)), 0).apply(List.of(xs, w)),
                1e-6, "the same axes wrapped in in(...)");
    }

    @Test
    void vmapOfGradIsTheStackOfPerExampleGradients() {
        Model m = model();
        Tensor xs = r.f64(6, 3);
        Tensor ys = r.i32(2, 6);
        Fn3<Model, Tensor, Tensor, Model> perExample = Kiln.vmap(Kiln.grad(EXAMPLE_LOSS), Kiln.in(null, 0, 0));
        Model batched = perExample.apply(m, xs, ys);
        for (int i = 0; i < 6; i++) {
            int e = i;
            Model one = Kiln.grad(EXAMPLE_LOSS).apply(m, row(xs, i), row(ys, i));
            Model slice = (Model) dev.kiln.tracer.tree.PyTree.map(batched, t -> row(t, e));
            assertTreeClose(one, slice, 1e-12, "example " + i);
        }
        // The first example's weight gradient against finite differences of its loss.
        Tensor fd = finiteDifferences(w -> EXAMPLE_LOSS.apply(new Model(new Linear(w, m.fc1().bias()), m.fc2()),
                row(xs, 0), row(ys, 0)), m.fc1().weight());
        assertTreeClose(fd, row(batched.fc1().weight(), 0), FD_TOL, "per-example grad vs finite differences");
    }

    @Test
    void jitOfVmapOfGradMatchesTheEagerPerExampleGradients() {
        Model m = model();
        Tensor xs = r.f64(5, 3);
        Tensor ys = r.i32(2, 5);
        Fn3<Model, Tensor, Tensor, Model> perExample = Kiln.vmap(Kiln.grad(EXAMPLE_LOSS), Kiln.in(null, 0, 0));
        JittedFunction j = Kiln.jitN(perExample.erase(), INTERP);
        assertTreeEquals(perExample.apply(m, xs, ys), j.apply(List.of(m, xs, ys)), "jit(vmap(grad(f)))");
        j.apply(List.of(m, xs, ys));
        assertEquals(1, j.traceCount());
    }

    @Test
    void gradOfGradInsideJit() {
        Fn1<Tensor, Tensor> f = x -> x.pow(3).add(x.sin()).sum();
        // d2/dx2 of x^3 + sin x, elementwise for a sum: 6x - sin x.
        Fn1<Tensor, Tensor> second = Kiln.grad((Tensor x) -> Kiln.grad(f).apply(x).sum());
        Tensor x = r.f64(4);
        Tensor expected = x.mul(6).sub(x.sin());
        assertTreeClose(expected, Kiln.jit(second, INTERP).apply(x), 1e-12, "jit(grad(grad(f)))");
        assertTreeEquals(second.apply(x), Kiln.jit(second, INTERP).apply(x), "jit == eager");
    }

    @Test
    void vmapOfVmapMatchesTheDoubleLoop() {
        Fn2<Tensor, Tensor, Tensor> f = (a, b) -> a.mul(b).sum().add(a.amax());
        Tensor as = r.f32(3, 4, 5);
        Tensor bs = r.f32(4, 5);
        Fn2<Tensor, Tensor, Tensor> inner = Kiln.vmap(f, Kiln.in(0, 0));
        Fn2<Tensor, Tensor, Tensor> outer = Kiln.vmap(inner, Kiln.in(0, null));
        Tensor got = outer.apply(as, bs);
        float[] expected = new float[3 * 4];
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < 4; k++) {
                expected[i * 4 + k] = f.apply(row(row(as, i), k), row(bs, k)).toFloatArray()[0];
            }
        }
        assertTreeClose(Tensor.of(expected, 3, 4), got, 1e-6, "vmap(vmap(f))");
        assertTreeEquals(got, Kiln.jit(outer, INTERP).apply(as, bs), "jit(vmap(vmap(f)))");
    }

    @Test
    void gradOfAFunctionThatCallsAJittedFunction() {
        Fn2<Tensor, Tensor, Tensor> inner = (x, w) -> w.matmul(x).tanh();
        Fn2<Tensor, Tensor, Tensor> jittedInner = Kiln.jit(inner, INTERP);
        Fn2<Tensor, Tensor, Tensor> outerEager = (x, w) -> inner.apply(x, w).square().sum();
        Fn2<Tensor, Tensor, Tensor> outerJit = (x, w) -> jittedInner.apply(x, w).square().sum();
        Tensor x = r.f64(3);
        Tensor w = r.f64(2, 3);
        assertTreeEquals(Kiln.grad(outerEager).apply(x, w), Kiln.grad(outerJit).apply(x, w), "grad(... jit(f) ...)");
        assertTreeClose(finiteDifferences(v -> outerEager.apply(v, w), x), Kiln.grad(outerJit).apply(x, w), FD_TOL,
                "against finite differences");
    }

    @Test
    void jittedFunctionClosingOverAConcreteTensorBakesItInAsAConstant() {
        Tensor scale = r.f64(3);
        Fn1<Tensor, Tensor> f = x -> x.mul(scale).sum();
        JittedFunction j = Kiln.jitN(f.erase(), INTERP);
        Tensor x = r.f64(3);
        assertTreeEquals(f.apply(x), j.apply(List.of(x)), "jit with a constant");
        assertEquals(1, Kiln.makeGraph(f, x).constants().size(), "the closed-over tensor is a graph constant");
        // Differentiating through it: d/dx sum(x * scale) = scale.
        assertTreeEquals(scale, Kiln.grad(Kiln.jit(f, INTERP)).apply(x), "grad(jit(f)) w.r.t. x");
    }

    @Test
    void jittedFunctionClosingOverATracerOfAnEnclosingTransformIsInlined() {
        Tensor c = r.f64(3);
        // Built inside grad: the jitted body closes over grad's tracer w, so it must be inlined.
        Fn1<Tensor, Tensor> outer = w -> {
            Fn1<Tensor, Tensor> scaled = Kiln.jit((Tensor x) -> x.mul(w).mul(w), INTERP);
            return scaled.apply(c).sum();
        };
        Tensor w = r.f64(3);
        // d/dw sum(c * w^2) = 2 c w.
        assertTreeClose(c.mul(w).mul(2), Kiln.grad(outer).apply(w), 1e-12, "grad through an inlined jit");
        // The same under vmap: each example's jitted body sees its own row.
        Fn1<Tensor, Tensor> perRow = v -> Kiln.jit((Tensor x) -> x.add(v), INTERP).apply(c).sum();
        Tensor vs = r.f64(4, 3);
        Tensor got = Kiln.vmap(perRow).apply(vs);
        for (int i = 0; i < 4; i++) {
            assertEquals(perRow.apply(row(vs, i)).item(), row(got, i).item(), 1e-12, "row " + i);
        }
    }

    @Test
    void valueAndGradAndGradWithAuxUnderJit() {
        Model m = model();
        Tensor xs = r.f64(4, 3);
        Tensor ys = r.i32(2, 4);
        Fn3<Model, Tensor, Tensor, ValueAndGrad<Model>> vg = Kiln.valueAndGrad(LOSS);
        ValueAndGrad<Model> eager = vg.apply(m, xs, ys);
        ValueAndGrad<Model> jitted = Kiln.jit(vg, INTERP).apply(m, xs, ys);
        assertTreeEquals(eager.value(), jitted.value(), "value");
        assertTreeEquals(eager.grad(), jitted.grad(), "grad");

        Fn3<Model, Tensor, Tensor, WithAux<Tensor>> withAux = (mm, x, y) -> {
            Tensor logits = mm.fc2().apply(mm.fc1().apply(x).tanh());
            return new WithAux<>(Functional.crossEntropyMean(logits, y), Functional.accuracy(logits, y));
        };
        Fn3<Model, Tensor, Tensor, GradAndAux<Model, Tensor>> ga = Kiln.gradWithAux(withAux);
        GradAndAux<Model, Tensor> e = ga.apply(m, xs, ys);
        GradAndAux<Model, Tensor> j = Kiln.jit(ga, INTERP).apply(m, xs, ys);
        assertTreeEquals(e.grad(), j.grad(), "grad with aux");
        assertTreeEquals(e.aux(), j.aux(), "aux");
        assertTreeEquals(eager.grad(), e.grad(), "the aux does not change the gradient");
    }

    @Test
    void vjpOfAJittedFunction() {
        Fn1<Tensor, Tensor> f = x -> x.exp().mul(x);
        Tensor x = r.f64(3);
        Tensor ct = r.f64(3);
        var eager = Kiln.vjp(f, x);
        var jitted = Kiln.vjp(Kiln.jit(f, INTERP), x);
        assertTreeEquals(eager.output(), jitted.output(), "output");
        assertTreeEquals(eager.pullback().apply(List.of(ct)), jitted.pullback().apply(List.of(ct)), "pullback");
        // (x e^x)' = (1 + x) e^x
        Object cts = jitted.pullback().apply(List.of(ct));
        Tensor g = (Tensor) ((List<?>) cts).getFirst();
        assertTreeClose(ct.mul(x.add(1).mul(x.exp())), g, 1e-12, "against the derivative");
    }
}
