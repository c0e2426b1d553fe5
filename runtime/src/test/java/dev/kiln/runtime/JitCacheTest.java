package dev.kiln.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.KilnException;
import dev.kiln.tracer.Fn1;
import dev.kiln.tracer.Fn2;
import dev.kiln.tracer.FnN;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.nn.Linear;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/**
 * jit's cache: one trace per abstract signature, a re-trace for a new shape, dtype, static value,
 * tree structure or backend, each logged with what changed; failures are not cached.
 */
class JitCacheTest {
    private static final JitOptions INTERP = JitOptions.defaults().onBackend("interpreter").named("cached");
    private final TestTensors r = new TestTensors(7);

    record Layer(Tensor w, int power) {
    }

    private static <A, R> JittedFunction jit(Fn1<A, R> f) {
        return Kiln.jitN(f.erase(), INTERP);
    }

    private static String onlyRetrace(JitLog log) {
        List<String> info = log.messages(Level.INFO);
        assertEquals(1, info.size(), () -> "one re-trace logged, got " + info);
        return info.getFirst();
    }

    private static void assertMentions(String message, String... fragments) {
        for (String f : fragments) {
            assertTrue(message.contains(f), () -> "expected '" + f + "' in: " + message);
        }
    }

    @Test
    void sameSignatureRunsFromTheCacheWithoutTracing() {
        AtomicInteger bodyRuns = new AtomicInteger();
        Fn1<Tensor, Tensor> f = x -> {
            bodyRuns.incrementAndGet();
            return x.exp().sum();
        };
        JittedFunction j = jit(f);
        for (int i = 0; i < 5; i++) {
            j.apply(List.of(r.f32(4, 3)));
        }
        assertEquals(1, j.traceCount());
        assertEquals(1, j.cacheSize());
        assertEquals(1, bodyRuns.get(), "the Java body runs only while tracing");
    }

    @Test
    void compileTimeIsKnownAfterTheFirstCallAndKeptOnCacheHits() {
        JittedFunction j = jit((Tensor x) -> x.exp().sum());
        assertTrue(Double.isNaN(j.lastCompileMillis()), "nothing compiled yet");
        j.apply(List.of(r.f32(4, 3)));
        double first = j.lastCompileMillis();
        assertTrue(first > 0, "compile took " + first + " ms");
        j.apply(List.of(r.f32(4, 3)));
        assertEquals(first, j.lastCompileMillis(), "a cache hit compiles nothing");
    }

    @Test
    void firstTraceIsLoggedAtFineWithTheArgumentTypes() {
        try (JitLog log = new JitLog()) {
            Fn2<Tensor, Tensor, Tensor> f = (x, y) -> x.add(y);
            Kiln.jitN(f.erase(), INTERP).apply(List.of(r.f32(2, 3), r.f64(3)));
            assertEquals(List.of(), log.messages(Level.INFO), "a first trace is not a re-trace");
            List<String> fine = log.messages(Level.FINE);
            assertEquals(1, fine.size());
            assertMentions(fine.getFirst(), "jit(cached)", "first time", "arguments[0]: f32[2,3]", "arguments[1]: f64[3]");
        }
    }

    @Test
    void newShapeRetracesAndTheLogNamesTheLeafAndBothTypes() {
        JittedFunction j = jit((Tensor x) -> x.sum());
        j.apply(List.of(r.f32(4, 3)));
        try (JitLog log = new JitLog()) {
            j.apply(List.of(r.f32(8, 3)));
            assertMentions(onlyRetrace(log), "jit(cached)", "re-tracing", "arguments[0]: f32[4,3] -> f32[8,3]");
        }
        assertEquals(2, j.traceCount());
        assertEquals(2, j.cacheSize());
        j.apply(List.of(r.f32(4, 3)));
        j.apply(List.of(r.f32(8, 3)));
        assertEquals(2, j.traceCount(), "both signatures stay cached");
    }

    @Test
    void newDtypeInsideARecordNamesTheComponentPath() {
        Fn1<Layer, Tensor> f = l -> l.w().pow(l.power()).sum();
        JittedFunction j = jit(f);
        j.apply(List.of(new Layer(r.f32(3), 2)));
        try (JitLog log = new JitLog()) {
            j.apply(List.of(new Layer(r.f64(3), 2)));
            assertMentions(onlyRetrace(log), "arguments[0].w: f32[3] -> f64[3]");
        }
        assertEquals(2, j.traceCount());
    }

    @Test
    void newStaticValueRetracesAndTheLogNamesOldAndNewValue() {
        Fn1<Layer, Tensor> f = l -> l.w().pow(l.power()).sum();
        JittedFunction j = jit(f);
        Tensor w = r.f32(3);
        j.apply(List.of(new Layer(w, 2)));
        j.apply(List.of(new Layer(w, 2)));
        assertEquals(1, j.traceCount());
        try (JitLog log = new JitLog()) {
            Tensor cubed = (Tensor) j.apply(List.of(new Layer(w, 3)));
            assertMentions(onlyRetrace(log), "arguments[0].power: 2 (Integer) -> 3 (Integer)");
            assertEquals(f.apply(new Layer(w, 3)).item(), cubed.item(), 0.0, "the static value took effect");
        }
        assertEquals(2, j.traceCount());
    }

    @Test
    void staticBooleanArgumentIsPartOfTheSignature() {
        FnN f = args -> (Boolean) args.get(1) ? ((Tensor) args.get(0)).neg() : (Tensor) args.get(0);
        JittedFunction j = Kiln.jitN(f, INTERP);
        Tensor x = r.f32(2);
        try (JitLog log = new JitLog()) {
            Tensor plain = (Tensor) j.apply(List.of(x, false));
            Tensor negated = (Tensor) j.apply(List.of(x, true));
            assertMentions(onlyRetrace(log), "arguments[1]: false (Boolean) -> true (Boolean)");
            assertEquals(-plain.toFloatArray()[0], negated.toFloatArray()[0]);
        }
    }

    @Test
    void newTreeStructureRetracesAndTheLogNamesWhereItChanged() {
        Fn1<List<Tensor>, Tensor> f = xs -> xs.stream().reduce(Tensor::add).orElseThrow();
        JittedFunction j = jit(f);
        j.apply(List.of(List.of(r.f32(2), r.f32(2))));
        try (JitLog log = new JitLog()) {
            j.apply(List.of(List.of(r.f32(2), r.f32(2), r.f32(2))));
            assertMentions(onlyRetrace(log), "arguments[0]: List of 2 -> List of 3");
        }
        Fn1<Object, Tensor> g = o -> o instanceof Linear l ? l.weight().sum() : ((Tensor) o).sum();
        JittedFunction k = jit(g);
        k.apply(List.of(r.f32(2, 2)));
        try (JitLog log = new JitLog()) {
            k.apply(List.of(new Linear(r.f32(2, 2), r.f32(2))));
            assertMentions(onlyRetrace(log), "arguments[0]: f32[2,2] -> record Linear");
        }
    }

    @Test
    void mapKeysArePartOfTheStructure() {
        Fn1<Map<String, Tensor>, Tensor> f = m -> m.values().stream().reduce(Tensor::add).orElseThrow();
        JittedFunction j = jit(f);
        j.apply(List.of(Map.of("a", r.f32(2))));
        try (JitLog log = new JitLog()) {
            j.apply(List.of(Map.of("b", r.f32(2))));
            assertMentions(onlyRetrace(log), "arguments[0]: Map with keys [a] -> Map with keys [b]");
        }
        assertEquals(2, j.cacheSize());
    }

    @Test
    void retraceIsExplainedAgainstTheClosestCachedSignature() {
        Fn2<Tensor, Tensor, Tensor> f = (x, y) -> x.sum().add(y.sum());
        JittedFunction j = Kiln.jitN(f.erase(), INTERP);
        j.apply(List.of(r.f32(2), r.f64(5)));
        j.apply(List.of(r.f32(3), r.f32(4)));
        try (JitLog log = new JitLog()) {
            // Closest to the first signature (one change) rather than the latest one (two changes).
            j.apply(List.of(r.f32(2), r.f64(6)));
            String m = onlyRetrace(log);
            assertMentions(m, "arguments[1]: f64[5] -> f64[6]");
            assertTrue(!m.contains("arguments[0]"), m);
        }
    }

    @Test
    void backendChangeIsANewSignature() {
        Fn1<Tensor, Tensor> f = x -> x.mul(3);
        JittedFunction j = Kiln.jitN(f.erase(), JitOptions.defaults().named("follows"));
        Tensor x = r.f32(2);
        String before = Backends.defaultBackend().name();
        j.apply(List.of(x));
        try (JitLog log = new JitLog()) {
            Kiln.setBackend(CountingBackend.NAME);
            j.apply(List.of(x));
            assertMentions(onlyRetrace(log), "backend: " + before + " -> " + CountingBackend.NAME);
        } finally {
            Kiln.setBackend(null);
        }
        assertEquals(2, j.cacheSize());
    }

    @Test
    void failedTraceIsNotCachedAndTheNextCallRetries() {
        AtomicBoolean fail = new AtomicBoolean(true);
        Fn1<Tensor, Tensor> f = x -> {
            if (fail.get()) {
                throw new KilnException("test", "first attempt fails");
            }
            return x.add(1);
        };
        JittedFunction j = jit(f);
        Tensor x = r.f32(2);
        try (JitLog log = new JitLog()) {
            KilnException e = assertThrows(KilnException.class, () -> j.apply(List.of(x)));
            assertMentions(e.getMessage(), "first attempt fails");
            assertEquals(0, j.cacheSize(), "a failure leaves nothing cached");
            KilnException again = assertThrows(KilnException.class, () -> j.apply(List.of(x)));
            assertMentions(again.getMessage(), "first attempt fails");
            assertEquals(2, j.traceCount(), "the second call traced again instead of replaying a cached failure");
            fail.set(false);
            assertEquals(x.add(1).toFloatArray()[1], ((Tensor) j.apply(List.of(x))).toFloatArray()[1]);
            assertEquals(3, j.traceCount());
            assertEquals(1, j.cacheSize());
            // A retry of the same signature is not a re-trace "for a new signature" (with nothing changed).
            assertEquals(List.of(), log.messages(Level.INFO));
            assertEquals(3, log.messages(Level.FINE).size());
        }
    }

    @Test
    void failedBackendCompileIsNotCached() {
        CountingBackend.reset();
        CountingBackend.failNext.set(1);
        Fn1<Tensor, Tensor> f = x -> x.mul(x);
        JittedFunction j = Kiln.jitN(f.erase(), JitOptions.defaults().onBackend(CountingBackend.NAME));
        Tensor x = r.f32(3);
        KilnException e = assertThrows(KilnException.class, () -> j.apply(List.of(x)));
        assertMentions(e.getMessage(), "injected compile failure");
        Tensor y = (Tensor) j.apply(List.of(x));
        TestTensors.assertTreeEquals(x.mul(x), y, "after the retry");
        assertEquals(2, CountingBackend.compiles.get());
        assertEquals(1, j.cacheSize());
    }
}
