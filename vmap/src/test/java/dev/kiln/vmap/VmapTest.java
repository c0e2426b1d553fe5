package dev.kiln.vmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.DotGeneral;
import dev.kiln.tracer.Fn1;
import dev.kiln.tracer.Fn2;
import dev.kiln.tracer.FnN;
import dev.kiln.tracer.Random;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.TracedFunction;
import dev.kiln.tracer.Tracing;
import dev.kiln.tracer.tree.PyTree;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The user-level vmap: axes, pytrees, nesting, closures and composition with other traces. */
class VmapTest {
    record Params(Tensor w, Tensor b) {
    }

    record Pair<A, B>(A first, B second) {
    }

    private static final java.util.Random RNG = new java.util.Random(7);

    private static Tensor randn(int... shape) {
        return Tensor.of(Gen.normal().fill(TensorType.of(DType.F32, shape), RNG));
    }

    private static void assertClose(Tensor expected, Tensor actual) {
        ArrayOps.assertClose(expected.data(), actual.data(), 2e-5, "vmap vs loop");
    }

    private static Object call(FnN f, Object... args) {
        return f.apply(java.util.Arrays.asList(args));
    }

    @Test
    void vmapOfLinearLayerMatchesLoop() {
        FnN f = ((Fn2<Tensor, Tensor, Tensor>) (x, w) -> x.matmul(w).relu()).erase();
        Tensor xs = randn(6, 4), w = randn(4, 3);
        Tensor got = (Tensor) call(Vmap.vmap(f, Vmap.in(0, null)), xs, w);
        List<Tensor> rows = new ArrayList<>();
        for (int b = 0; b < 6; b++) {
            rows.add(xs.index(0, b).matmul(w).relu());
        }
        assertClose(Tensor.stack(0, rows), got);
    }

    @Test
    void negativeInAndOutAxesCountFromTheEnd() {
        FnN outer = ((Fn1<Tensor, Tensor>) x -> x.reshape(3, 1).matmul(x.reshape(1, 3))).erase();
        Tensor xs = randn(3, 5);
        Tensor got = (Tensor) call(Vmap.vmap(outer, -1, -1), xs);
        assertEquals(TensorType.of(DType.F32, 3, 3, 5), got.type());
        List<Tensor> parts = new ArrayList<>();
        for (int b = 0; b < 5; b++) {
            Tensor x = xs.index(1, b);
            parts.add(x.reshape(3, 1).matmul(x.reshape(1, 3)));
        }
        assertClose(Tensor.stack(-1, parts), got);
    }

    @Test
    void recordArgumentTakesPerComponentAxesByName() {
        FnN f = ((Fn2<Params, Tensor, Tensor>) (p, x) -> x.mul(p.w()).sum().add(p.b())).erase();
        Tensor w = randn(5, 3), b = randn(2), xs = randn(5, 3);
        Map<String, Object> axes = new LinkedHashMap<>();
        axes.put("w", 0);
        axes.put("b", null);
        Tensor got = (Tensor) call(Vmap.vmap(f, Vmap.in(axes, 0)), new Params(w, b), xs);
        List<Tensor> rows = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            rows.add(xs.index(0, i).mul(w.index(0, i)).sum().add(b));
        }
        assertClose(Tensor.stack(0, rows), got);
    }

    @Test
    void recordPrefixOfTheSameRecordTypeAndListResults() {
        FnN f = ((Fn1<Pair<Tensor, Tensor>, List<Tensor>>) p -> List.of(p.first().add(p.second()), p.second().exp())).erase();
        Tensor a = randn(3, 4), c = randn(3);
        @SuppressWarnings("unchecked")
        List<Tensor> got = (List<Tensor>) call(Vmap.vmap(f, Vmap.in(new Pair<Integer, Integer>(1, null)), Vmap.in(1, null)),
                new Pair<>(a, c));
        List<Tensor> sums = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            sums.add(a.index(1, i).add(c));
        }
        assertClose(Tensor.stack(1, sums), got.get(0));
        assertClose(c.exp(), got.get(1));
    }

    @Test
    void unmappedResultIsBroadcastAlongTheOutAxis() {
        FnN f = ((Fn2<Tensor, Tensor, Tensor>) (x, w) -> w.exp()).erase();
        Tensor got = (Tensor) call(Vmap.vmap(f, Vmap.in(0, null), 1), randn(4, 2), Tensor.of(new float[] {0, 1, 2}));
        assertEquals(TensorType.of(DType.F32, 3, 4), got.type());
        assertClose(Tensor.of(new float[] {0, 1, 2}).exp().reshape(3, 1).broadcastTo(3, 4), got);
    }

    @Test
    void nestedVmapMatchesDoubleLoop() {
        FnN dot = ((Fn2<Tensor, Tensor, Tensor>) (x, y) -> x.mul(y).sum()).erase();
        FnN table = Vmap.vmap(Vmap.vmap(dot, Vmap.in(null, 0)), Vmap.in(0, null));
        Tensor xs = randn(3, 4), ys = randn(5, 4);
        Tensor got = (Tensor) call(table, xs, ys);
        assertClose(xs.matmul(ys.mT()), got);
    }

    @Test
    void nestedVmapClosingOverTheOuterExampleMatchesLoop() {
        Tensor ys = randn(5, 2);
        FnN inner = ((Fn1<Tensor, Tensor>) x -> (Tensor) call(
                Vmap.vmap(((Fn1<Tensor, Tensor>) y -> y.mul(x).sum().tanh()).erase()), ys)).erase();
        Tensor xs = randn(3, 2);
        Tensor got = (Tensor) call(Vmap.vmap(inner), xs);
        assertClose(xs.matmul(ys.mT()).tanh(), got);
    }

    @Test
    void batchedKeysGiveEachExampleItsOwnStream() {
        Tensor keys = Random.split(Random.key(42), 4);
        FnN sample = ((Fn1<Tensor, Tensor>) k -> Random.normal(k, 3, 2)).erase();
        Tensor got = (Tensor) call(Vmap.vmap(sample), keys);
        for (int b = 0; b < 4; b++) {
            assertClose(Random.normal(keys.index(0, b), 3, 2), got.index(0, b));
        }
        Tensor shared = (Tensor) call(Vmap.vmap(((Fn2<Tensor, Tensor, Tensor>) (k, x) -> Random.normal(k, 2).add(x)).erase(),
                Vmap.in(null, 0)), Random.key(1), Tensor.zeros(3, 2));
        assertClose(shared.index(0, 0), shared.index(0, 2));
    }

    /** The shape of grad: a function that traces its argument and applies the resulting graph. */
    private static FnN throughGraph(FnN f) {
        return args -> {
            TracedFunction t = Tracing.trace(f, args, "inner");
            List<Tensor> in = new ArrayList<>(PyTree.flatten(args).tensors());
            in.addAll(t.captured());
            return t.outTree().unflatten(Tracing.apply(t.graph(), in));
        };
    }

    @Test
    void vmapOfAFunctionThatTracesAndAppliesAGraphWorks() {
        Tensor w = randn(4, 3);
        FnN f = throughGraph(((Fn1<Tensor, Tensor>) x -> x.matmul(w).logSoftmax(0)).erase());
        Tensor xs = randn(5, 4);
        Tensor got = (Tensor) call(Vmap.vmap(f), xs);
        assertClose(xs.matmul(w).logSoftmax(1), got);
    }

    @Test
    void vmapUnderAnOuterTraceIsInlinedAsBatchedKernels() {
        FnN f = Vmap.vmap(((Fn2<Tensor, Tensor, Tensor>) (x, w) -> x.matmul(w)).erase(), Vmap.in(0, null));
        Graph g = Tracing.makeGraph(f, List.of(TensorType.of(DType.F32, 128, 104), TensorType.of(DType.F32, 104, 2)));
        assertEquals(1, g.equations().size(), g.equations().toString());
        assertEquals(DotGeneral.matmul(), g.equations().get(0).primitive());
        assertFalse(g.outputTypes().isEmpty());
        assertEquals(TensorType.of(DType.F32, 128, 2), g.outputTypes().get(0));
    }

    @Test
    void closedOverTensorsAreSharedByAllExamples() {
        Tensor bias = randn(3);
        FnN f = ((Fn1<Tensor, Tensor>) x -> x.add(bias)).erase();
        Tensor xs = randn(4, 3);
        assertClose(xs.add(bias), (Tensor) call(Vmap.vmap(f), xs));
    }
}
