package dev.kiln.codegen.jvm.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.DType;
import dev.kiln.ir.Ints;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.ConvGeneralDilated;
import dev.kiln.ir.prim.DotGeneral;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** Prepared kernels shared by several caller threads at once, and the pool under them. */
class ConcurrencyTest {

    /** Runs {@code task} on {@code threads} threads at once, {@code rounds} times each, returning every result. */
    static <T> List<T> concurrently(int threads, int rounds, Callable<T> task) throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(threads);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads * rounds; i++) {
                futures.add(callers.submit(task));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void sharedKernelsCalledFromManyThreadsGiveIdenticalResults() throws Exception {
        Random rnd = new Random(11);
        TensorType x = TensorType.of(DType.F32, 16, 8, 20, 20), w = TensorType.of(DType.F32, 12, 8, 3, 3);
        ConvKernel conv = ConvKernel.prepare(ConvGeneralDilated.simple(Ints.of(1, 1), Ints.of(1, 1)), x, w);
        DotGeneral batched = new DotGeneral(Ints.of(1), Ints.of(1), Ints.of(0), Ints.of(0));
        TensorType a = TensorType.of(DType.F32, 16, 70, 90), b = TensorType.of(DType.F32, 16, 70, 33);
        DotGeneralKernel dot = DotGeneralKernel.prepare(batched, a, b);
        float[] xs = KernelBenchmark.randomArray(x.numel(), rnd), ws = KernelBenchmark.randomArray(w.numel(), rnd);
        float[] as = KernelBenchmark.randomArray(a.numel(), rnd), bs = KernelBenchmark.randomArray(b.numel(), rnd);
        Callable<float[][]> call = () -> {
            float[] convOut = new float[conv.outType().numel()], dotOut = new float[dot.outType().numel()];
            conv.run(xs, 0, ws, 0, convOut, 0, new float[conv.scratchSize()], 0);
            dot.run(as, 0, bs, 0, dotOut, 0, new float[dot.scratchSize()], 0);
            return new float[][] {convOut, dotOut};
        };
        float[][] reference = call.call();
        for (float[][] r : concurrently(4, 3, call)) {
            assertArrayEquals(reference[0], r[0]);
            assertArrayEquals(reference[1], r[1]);
        }
    }

    @Test
    void parallelForCoversEveryIndexOnceWithLanesBelowThreadCount() throws Exception {
        List<Boolean> done = concurrently(3, 2, () -> {
            AtomicIntegerArray hits = new AtomicIntegerArray(1000);
            AtomicInteger badLane = new AtomicInteger();
            Parallel.parallelFor(1000, 7, (lane, from, to) -> {
                if (lane < 0 || lane >= Parallel.threads()) {
                    badLane.incrementAndGet();
                }
                for (int i = from; i < to; i++) {
                    hits.incrementAndGet(i);
                }
            });
            for (int i = 0; i < 1000; i++) {
                assertEquals(1, hits.get(i), "index " + i);
            }
            assertEquals(0, badLane.get());
            return true;
        });
        assertEquals(6, done.size());
    }

    @Test
    void nestedParallelForRunsInline() {
        AtomicInteger inner = new AtomicInteger();
        Parallel.parallelFor(8, 1, (lane, from, to) -> {
            for (int i = from; i < to; i++) {
                Parallel.parallelFor(100, 1, (l2, f2, t2) -> inner.addAndGet(t2 - f2));
            }
        });
        assertEquals(800, inner.get());
    }

    @Test
    void exceptionInAChunkIsRethrownToTheCaller() {
        IllegalStateException boom = new IllegalStateException("boom");
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> Parallel.parallelFor(64, 1, (lane, from, to) -> {
                    if (from <= 40 && 40 < to) {
                        throw boom;
                    }
                }));
        assertSame(boom, thrown);
        // the pool still works afterwards
        AtomicInteger n = new AtomicInteger();
        Parallel.parallelFor(64, 1, (lane, from, to) -> n.addAndGet(to - from));
        assertEquals(64, n.get());
    }

    @Test
    void grainKeepsSmallJobsInline() {
        assertTrue(Parallel.grainFor(Parallel.MIN_PARALLEL_WORK * 2) == 1);
        AtomicInteger calls = new AtomicInteger();
        Parallel.parallelFor(10, Parallel.grainFor(10), (lane, from, to) -> {
            calls.incrementAndGet();
            assertEquals(0, lane);
            assertEquals(0, from);
            assertEquals(10, to);
        });
        assertEquals(1, calls.get());
    }
}
