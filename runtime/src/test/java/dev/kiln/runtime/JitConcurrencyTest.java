package dev.kiln.runtime;

import static dev.kiln.runtime.TestTensors.assertTreeEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.Graph;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.TensorType;
import dev.kiln.tracer.Fn1;
import dev.kiln.tracer.Fn2;
import dev.kiln.tracer.Fn3;
import dev.kiln.tracer.FnN;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.Trace;
import dev.kiln.tracer.nn.Functional;
import dev.kiln.tracer.nn.Linear;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Many threads calling one jitted function at once: one trace per signature, the same results as
 * a sequential run; and traces on different threads never see each other's tracers.
 */
class JitConcurrencyTest {
    private static final int THREADS = 16;
    private static ExecutorService pool;

    @BeforeAll
    static void startPool() {
        pool = Executors.newFixedThreadPool(THREADS);
    }

    @AfterAll
    static void stopPool() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void resetBackend() {
        CountingBackend.reset();
    }

    private static <T> List<T> runAll(List<Callable<T>> tasks) throws InterruptedException, ExecutionException {
        List<Future<T>> futures = pool.invokeAll(tasks);
        List<T> out = new ArrayList<>();
        for (Future<T> f : futures) {
            out.add(f.get());
        }
        return out;
    }

    /** Waits inside a traced function body (which may not throw checked exceptions). */
    private static void await(CyclicBarrier b) {
        try {
            b.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(CountDownLatch l) {
        try {
            assertTrue(l.await(30, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void concurrentFirstCallsWithOneSignatureCompileOnce() throws Exception {
        CountingBackend.reset();
        CountDownLatch gate = new CountDownLatch(1);
        CountingBackend.gate = gate;
        Fn2<Tensor, Tensor, Tensor> f = (x, w) -> x.matmul(w).tanh();
        JittedFunction j = Kiln.jitN(f.erase(), JitOptions.defaults().onBackend(CountingBackend.NAME));
        TestTensors r = new TestTensors(1);
        Tensor x = r.f32(5, 4);
        Tensor w = r.f32(4, 3);
        CountDownLatch started = new CountDownLatch(THREADS);
        List<Future<Object>> calls = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            calls.add(pool.submit(() -> {
                started.countDown();
                return j.apply(List.of(x, w));
            }));
        }
        // Every thread has begun its call while the one compile is held at the gate.
        assertTrue(started.await(30, TimeUnit.SECONDS));
        gate.countDown();
        Tensor expected = f.apply(x, w);
        for (Future<Object> c : calls) {
            assertTreeEquals(expected, c.get(30, TimeUnit.SECONDS), "a concurrent call");
        }
        assertEquals(1, CountingBackend.compiles.get(), "compiled once");
        assertEquals(1, j.traceCount(), "traced once");
        assertEquals(1, j.cacheSize());
    }

    @Test
    void concurrentCallsWaitingOnAFailedCompileFailAndTheNextCallRetries() throws Exception {
        CountingBackend.reset();
        CountDownLatch gate = new CountDownLatch(1);
        CountingBackend.gate = gate;
        CountingBackend.failNext.set(1);
        Fn1<Tensor, Tensor> f = x -> x.exp();
        JittedFunction j = Kiln.jitN(f.erase(), JitOptions.defaults().onBackend(CountingBackend.NAME));
        Tensor x = new TestTensors(2).f32(3);
        CountDownLatch started = new CountDownLatch(4);
        List<Future<Object>> calls = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            calls.add(pool.submit(() -> {
                started.countDown();
                return j.apply(List.of(x));
            }));
        }
        assertTrue(started.await(30, TimeUnit.SECONDS));
        gate.countDown();
        int failed = 0;
        for (Future<Object> c : calls) {
            try {
                assertTreeEquals(f.apply(x), c.get(30, TimeUnit.SECONDS), "a call that did not wait on the failure");
            } catch (ExecutionException e) {
                KilnException k = (KilnException) e.getCause();
                assertTrue(k.getMessage().contains("injected compile failure"), k.getMessage());
                failed++;
            }
        }
        assertTrue(failed >= 1, "the compiling call failed");
        CountingBackend.gate = null;
        assertTreeEquals(f.apply(x), j.apply(List.of(x)), "after the failure");
        assertEquals(1, j.cacheSize());
    }

    @Test
    void manyThreadsWithAMixOfSignaturesTraceOncePerSignatureAndMatchASequentialRun() throws Exception {
        Fn2<Tensor, Tensor, Tensor> f = (x, w) -> x.matmul(w).tanh().sum(0).mul(w.sum(0));
        JitOptions interp = JitOptions.defaults().onBackend("interpreter");
        TestTensors r = new TestTensors(3);
        List<List<Object>> signatures = new ArrayList<>();
        for (int rows : new int[] {1, 2, 5}) {
            signatures.add(List.of(r.f32(rows, 4), r.f32(4, 3)));
            signatures.add(List.of(r.f64(rows, 4), r.f64(4, 3)));
        }
        int callsPerThread = 24;
        List<List<Integer>> plans = new ArrayList<>();
        java.util.Random pick = new java.util.Random(9);
        for (int t = 0; t < THREADS; t++) {
            List<Integer> plan = new ArrayList<>();
            for (int c = 0; c < callsPerThread; c++) {
                plan.add(pick.nextInt(signatures.size()));
            }
            plans.add(plan);
        }
        JittedFunction sequential = Kiln.jitN(f.erase(), interp);
        List<Object> expected = new ArrayList<>();
        for (List<Object> args : signatures) {
            expected.add(sequential.apply(args));
        }

        JittedFunction shared = Kiln.jitN(f.erase(), interp);
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Callable<List<Object>>> tasks = new ArrayList<>();
        for (List<Integer> plan : plans) {
            tasks.add(() -> {
                start.await();
                List<Object> results = new ArrayList<>();
                for (int s : plan) {
                    results.add(shared.apply(signatures.get(s)));
                }
                return results;
            });
        }
        List<List<Object>> results = runAll(tasks);
        for (int t = 0; t < THREADS; t++) {
            for (int c = 0; c < callsPerThread; c++) {
                int s = plans.get(t).get(c);
                assertTreeEquals(expected.get(s), results.get(t).get(c), "thread " + t + " call " + c);
            }
        }
        assertEquals(signatures.size(), shared.traceCount(), "one trace per signature");
        assertEquals(signatures.size(), shared.cacheSize());
    }

    @Test
    void perExampleGradientsFromManyThreadsMatchTheSequentialOnes() throws Exception {
        Fn3<Linear, Tensor, Tensor, Tensor> loss = (p, x, y) -> Functional.crossEntropyMean(p.apply(x.expandDims(0)), y.expandDims(0));
        Fn3<Linear, Tensor, Tensor, Linear> perExample = Kiln.vmap(Kiln.grad(loss), Kiln.in(null, 0, 0));
        JittedFunction j = Kiln.jitN(perExample.erase(), JitOptions.defaults().onBackend("interpreter"));
        TestTensors r = new TestTensors(4);
        Linear p = new Linear(r.f32(3, 5), r.f32(3));
        List<List<Object>> batches = new ArrayList<>();
        for (int b : new int[] {2, 3, 4, 2, 3, 4, 2, 3}) {
            batches.add(List.of(p, r.f32(b, 5), r.i32(3, b)));
        }
        List<Object> expected = new ArrayList<>();
        for (List<Object> args : batches) {
            expected.add(perExample.erase().apply(args));
        }
        List<Callable<Object>> tasks = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            List<Object> args = batches.get(t % batches.size());
            tasks.add(() -> j.apply(args));
        }
        List<Object> results = runAll(tasks);
        for (int t = 0; t < THREADS; t++) {
            assertTreeEquals(expected.get(t % batches.size()), results.get(t), "thread " + t);
        }
        assertEquals(3, j.traceCount(), "one trace per batch size");
    }

    @Test
    void tracesOpenAtTheSameTimeOnDifferentThreadsDoNotMix() throws Exception {
        CyclicBarrier allOpen = new CyclicBarrier(THREADS);
        List<Callable<Graph>> tasks = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int ops = t + 1;
            tasks.add(() -> {
                Fn1<Tensor, Tensor> f = x -> {
                    Tensor y = x.mul(2);
                    // Every thread's trace is open here at once.
                    await(allOpen);
                    assertTrue(Trace.current().label().equals("makeGraph"), "this thread's own trace");
                    for (int i = 1; i < ops; i++) {
                        y = y.add(i);
                    }
                    return y;
                };
                Graph g = Kiln.makeGraph(f, Tensor.zeros(ops, 2));
                assertEquals(null, Trace.current(), "the trace ended on this thread");
                return g;
            });
        }
        List<Graph> graphs = runAll(tasks);
        for (int t = 0; t < THREADS; t++) {
            Graph g = graphs.get(t);
            assertEquals(t + 1, g.equations().size(), "thread " + t + " recorded only its own equations");
            assertEquals(List.of(TensorType.of(dev.kiln.ir.DType.F32, t + 1, 2)), g.inputTypes(), "thread " + t);
        }
    }

    @Test
    void jitCompilesOfDifferentFunctionsOnManyThreadsAtOnceStaySeparate() throws Exception {
        CyclicBarrier allTracing = new CyclicBarrier(THREADS);
        TestTensors r = new TestTensors(5);
        Tensor x = r.f32(4);
        List<Callable<Tensor>> tasks = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            double c = t;
            tasks.add(() -> {
                FnN f = args -> {
                    Tensor a = ((Tensor) args.get(0)).mul(c);
                    await(allTracing);
                    return a.add(c);
                };
                return (Tensor) Kiln.jitN(f, JitOptions.defaults().onBackend("interpreter")).apply(List.of(x));
            });
        }
        List<Tensor> results = runAll(tasks);
        for (int t = 0; t < THREADS; t++) {
            assertTreeEquals(x.mul(t).add(t), results.get(t), "thread " + t);
        }
    }

    @Test
    void aTracerHandedToAnotherThreadHasEscaped() throws Exception {
        CountDownLatch handedOver = new CountDownLatch(1);
        CountDownLatch used = new CountDownLatch(1);
        Tensor[] shared = new Tensor[1];
        Future<Graph> tracing = pool.submit(() -> Kiln.makeGraph((Tensor x) -> {
            shared[0] = x;
            handedOver.countDown();
            await(used);
            return x.neg();
        }, Tensor.zeros(2)));
        assertTrue(handedOver.await(30, TimeUnit.SECONDS));
        try {
            KilnException e = assertThrows(KilnException.class, () -> shared[0].add(1));
            assertTrue(e.getMessage().contains("from makeGraph"), e.getMessage());
        } finally {
            used.countDown();
        }
        assertEquals(1, tracing.get(30, TimeUnit.SECONDS).equations().size());
    }
}
