package dev.kiln.runtime;

import static dev.kiln.runtime.TestTensors.assertTreeClose;
import static dev.kiln.runtime.TestTensors.assertTreeEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.kiln.ir.DType;
import dev.kiln.tracer.Fn1;
import dev.kiln.tracer.Fn2;
import dev.kiln.tracer.Fn3;
import dev.kiln.tracer.FnN;
import dev.kiln.tracer.Random;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.nn.Conv2d;
import dev.kiln.tracer.nn.Functional;
import dev.kiln.tracer.nn.Linear;
import dev.kiln.tracer.ops.ConvOps;
import dev.kiln.tracer.ops.IndexOps;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * jit == eager: each function runs op by op on the interpreter, then jitted (twice, the second
 * call from the cache), on the interpreter backend named explicitly and on the default backend.
 * On the interpreter the results must be identical to the last bit (the same primitives run in
 * the same order); another default backend (the JVM code generator, when it is on the class path)
 * may reassociate, so it is held to a tolerance.
 */
class JitMatchesEagerTest {
    private final TestTensors r = new TestTensors(42);

    record Mlp(Linear fc1, Linear fc2) {
    }

    record Scaled(Tensor x, int power, boolean negate) {
    }

    record Outputs(Tensor logits, Tensor loss, List<Tensor> hidden) {
    }

    private static JitOptions options(String backend) {
        return backend.isEmpty() ? JitOptions.defaults() : JitOptions.defaults().onBackend(backend);
    }

    /** Runs f eagerly and jitted twice; the jitted results must match the eager one. */
    private static void check(String backend, String what, FnN f, Object... args) {
        List<Object> argList = java.util.Arrays.asList(args);
        Object eager = f.apply(argList);
        JittedFunction j = Kiln.jitN(f, options(backend));
        Object first = j.apply(argList);
        Object second = j.apply(argList);
        boolean exact = backend.equals("interpreter") || Backends.defaultBackend().name().equals("interpreter");
        if (exact) {
            assertTreeEquals(eager, first, what);
        } else {
            assertTreeClose(eager, first, 1e-5, what);
        }
        assertTreeEquals(first, second, what + " (cached)");
        assertEquals(1, j.traceCount(), what + ": traced once");
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", ""})
    void elementwiseChain(String backend) {
        Fn2<Tensor, Tensor, Tensor> f = (x, y) -> x.mul(y).add(x.exp()).tanh().sub(y.square().mul(0.5))
                .div(y.abs().add(1)).maximum(x.sigmoid().neg());
        check(backend, "elementwise", f.erase(), r.f32(3, 5), r.f32(3, 5));
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", ""})
    void broadcastingWithScalarsAndComparisons(String backend) {
        Fn2<Tensor, Tensor, Tensor> f = (x, b) -> Tensor.where(x.gt(b), x.mul(2), b.sub(x).pow(2)).add(1.5);
        check(backend, "where", f.erase(), r.f32(4, 6), r.f32(6));
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", ""})
    void matmulBiasRelu(String backend) {
        Fn3<Tensor, Tensor, Tensor, Tensor> f = (x, w, b) -> x.matmul(w).add(b).relu();
        check(backend, "matmul", f.erase(), r.f32(7, 5), r.f32(5, 3), r.f32(3));
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", ""})
    void reductionsAndSoftmaxInF64(String backend) {
        Fn1<Tensor, List<Tensor>> f = x -> List.of(x.sum(0), x.amax(1), x.logsumexp(1, false), x.softmax(-1), x.mean());
        check(backend, "reductions", f.erase(), r.f64(4, 9));
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", ""})
    void convolutionAndPooling(String backend) {
        Fn2<Tensor, Tensor, Tensor> f = (x, w) -> ConvOps.maxPool2d(ConvOps.conv2d(x, w, 2, 1).relu(), 2, 1, 0)
                .add(ConvOps.avgPool2d(ConvOps.conv2d(x, w, 2, 1), 2, 1, 0));
        check(backend, "conv", f.erase(), r.f32(2, 3, 9, 9), r.f32(4, 3, 3, 3));
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", ""})
    void convLayerRecordWithStaticStrideAndPadding(String backend) {
        Conv2d layer = Conv2d.init(Random.key(1), 2, 3, 3, 2, 1);
        Fn2<Conv2d, Tensor, Tensor> f = (c, x) -> c.apply(x).relu().sum(2, 3);
        check(backend, "Conv2d record", f.erase(), layer, r.f32(2, 2, 8, 8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", ""})
    void recordArgumentsAndRecordResults(String backend) {
        Mlp mlp = new Mlp(Linear.init(Random.key(2), 6, 5), Linear.init(Random.key(3), 5, 3));
        Fn3<Mlp, Tensor, Tensor, Outputs> f = (m, x, y) -> {
            Tensor h = m.fc1().apply(x).relu();
            Tensor logits = m.fc2().apply(h);
            return new Outputs(logits, Functional.crossEntropyMean(logits, y), List.of(h, h.square()));
        };
        check(backend, "records", f.erase(), mlp, r.f32(4, 6), r.i32(3, 4));
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", ""})
    void listAndMapArgumentsAndResults(String backend) {
        Map<String, Tensor> sorted = new TreeMap<>(Map.of("b", r.f32(3), "a", r.f32(3)));
        Map<String, Tensor> ordered = new LinkedHashMap<>();
        ordered.put("z", r.f32(2, 3));
        ordered.put("y", r.f32(3));
        Fn3<List<Tensor>, Map<String, Tensor>, Map<String, Tensor>, Map<String, Object>> f = (xs, m, o) -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("sum", xs.get(0).add(xs.get(1)).mul(m.get("a")));
            out.put("pair", List.of(m.get("b").exp(), o.get("z").add(o.get("y"))));
            return out;
        };
        check(backend, "lists and maps", f.erase(), List.of(r.f32(3), r.f32(3)), sorted, ordered);
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", ""})
    void staticIntsAndBooleansSteerTheTrace(String backend) {
        Fn1<Scaled, Tensor> f = s -> {
            Tensor y = s.x();
            for (int i = 1; i < s.power(); i++) {
                y = y.mul(s.x());
            }
            return s.negate() ? y.neg() : y;
        };
        Tensor x = r.f32(5);
        check(backend, "power 3", f.erase(), new Scaled(x, 3, false));
        check(backend, "power 2, negated", f.erase(), new Scaled(x, 2, true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", ""})
    void integerIndexingAndRandomNumbers(String backend) {
        Fn3<Tensor, Tensor, Tensor, List<Tensor>> f = (table, ids, key) -> List.of(
                IndexOps.embedding(table, ids).mean(1), Random.normal(key, 2, 3), ids.add(1).mul(ids));
        check(backend, "embedding and random", f.erase(), r.f32(10, 4), r.i32(10, 3, 5), Random.key(7));
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", ""})
    void resultsThatAreArgumentsOrConstants(String backend) {
        Tensor c = Tensor.of(new double[] {1, 2, 3});
        Fn2<Tensor, Tensor, List<Object>> f = (x, y) -> List.of(x, y.add(c), c, Tensor.scalar(2.0, DType.F32));
        check(backend, "pass-through", f.erase(), r.f64(3), r.f64(3));
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", ""})
    void typedFacadeRunsTheSameCompiledFunction(String backend) {
        Fn2<Tensor, Tensor, Tensor> f = (x, y) -> x.matmul(y.mT()).sum(1);
        Fn2<Tensor, Tensor, Tensor> jf = Kiln.jit(f, options(backend));
        Tensor x = r.f32(3, 4);
        Tensor y = r.f32(2, 4);
        Tensor expected = f.apply(x, y);
        assertTreeEquals(expected, jf.apply(x, y), "Fn2 facade");
        assertSame(DType.F32, jf.apply(x, y).dtype());
    }
}
