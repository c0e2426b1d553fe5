package dev.kiln.codegen.jvm.kernels;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The one thread pool of the JVM backend's kernels, and {@link #parallelFor}, the only way they
 * split work across cores.
 *
 * <p>The pool has {@code availableProcessors() - 1} daemon threads (override the total with the
 * system property {@code kiln.threads}); the calling thread always takes part, so a job never
 * waits for a pool thread to become free: if none does, the caller runs every chunk itself. That
 * also makes nested and concurrent use safe: several threads may call kernels at once, each job
 * finishes on its own caller's thread whatever the pool is busy with, and a call made from inside
 * a pool thread runs inline.
 *
 * <p>Each participant of a job gets a <em>lane</em> in {@code [0, threads())}; kernels use it to
 * pick a private slice of the scratch memory their caller provides ({@code lanes x perLane}).
 *
 * <p>Measured on the shared 2-core Zen 4 development machine ({@code KernelBenchmark pool}): a
 * job whose work the caller finishes alone costs 0.1-0.5 us over running it inline, but a parked
 * pool thread takes roughly 5-20 us to join in (two 5 us chunks took 15 us against 10 us
 * serially; two 200 us chunks gain only when the other core is free). So a chunk should hold
 * at least about 10 us of work: {@link #MIN_PARALLEL_WORK} flops (count about 4 per element of
 * a memory-bound loop); smaller jobs run inline.
 */
public final class Parallel {
    /** Fewest "work units" (flops; about 4 per element of a memory-bound loop) worth a chunk of its own. */
    public static final long MIN_PARALLEL_WORK = 500_000;

    private static final int THREADS = configuredThreads();
    private static final ExecutorService POOL = THREADS > 1 ? Executors.newFixedThreadPool(THREADS - 1, daemonThreads()) : null;
    private static final ThreadLocal<Boolean> IN_POOL = ThreadLocal.withInitial(() -> false);

    private Parallel() {
    }

    /** The work of one participant: items {@code [from, to)} on {@code lane}. */
    @FunctionalInterface
    public interface Body {
        void run(int lane, int from, int to);
    }

    /** The number of lanes (threads that may work on one job): the pool size plus the caller. */
    public static int threads() {
        return THREADS;
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into chunks of at least {@code grain} items,
     * spread over the pool and the calling thread; returns when every chunk is done. Runs inline
     * (one call, lane 0) when {@code n <= grain}, when there is one thread, or when called from a
     * pool thread. The first exception a chunk throws is rethrown here after the job has drained.
     */
    public static void parallelFor(int n, int grain, Body body) {
        if (n <= 0) {
            return;
        }
        int chunks = Math.min(ceilDiv(n, Math.max(1, grain)), THREADS * 4);
        if (chunks <= 1 || THREADS == 1 || IN_POOL.get()) {
            body.run(0, 0, n);
            return;
        }
        Job job = new Job(n, chunks, body, Thread.currentThread());
        int helpers = Math.min(THREADS - 1, chunks - 1);
        for (int i = 0; i < helpers; i++) {
            POOL.execute(job::help);
        }
        job.work(0);
        job.await();
    }

    /** The grain (items per chunk) that makes each chunk at least {@link #MIN_PARALLEL_WORK} units. */
    public static int grainFor(long workPerItem) {
        long g = MIN_PARALLEL_WORK / Math.max(1, workPerItem);
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, g));
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static int configuredThreads() {
        String p = System.getProperty("kiln.threads");
        if (p != null && !p.isBlank()) {
            try {
                int t = Integer.parseInt(p.trim());
                if (t >= 1) {
                    return t;
                }
            } catch (NumberFormatException ignored) {
                // fall through to the processor count; a bad value must not stop the backend
            }
        }
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(() -> {
                IN_POOL.set(true);
                r.run();
            }, "kiln-kernels-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** One parallelFor call: chunks are claimed from a counter by whoever is free. */
    private static final class Job {
        private final int n;
        private final int chunks;
        private final int chunkSize;
        private final Body body;
        private final Thread owner;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger done = new AtomicInteger();
        private final AtomicInteger lanes = new AtomicInteger(1);
        private final AtomicReference<Throwable> error = new AtomicReference<>();

        Job(int n, int chunks, Body body, Thread owner) {
            this.n = n;
            this.chunks = chunks;
            this.chunkSize = ceilDiv(n, chunks);
            this.body = body;
            this.owner = owner;
        }

        void help() {
            if (next.get() >= chunks) {
                return; // started after the job drained: nothing to do, and no lane taken
            }
            work(lanes.getAndIncrement());
        }

        void work(int lane) {
            int c;
            while ((c = next.getAndIncrement()) < chunks) {
                int from = c * chunkSize, to = Math.min(n, from + chunkSize);
                try {
                    if (from < to && error.get() == null) {
                        body.run(lane, from, to);
                    }
                } catch (Throwable t) {
                    error.compareAndSet(null, t);
                } finally {
                    if (done.incrementAndGet() == chunks) {
                        LockSupport.unpark(owner);
                    }
                }
            }
        }

        void await() {
            for (int spin = 0; done.get() < chunks && spin < 2000; spin++) {
                Thread.onSpinWait();
            }
            while (done.get() < chunks) {
                LockSupport.parkNanos(this, 200_000);
            }
            Throwable t = error.get();
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof Error e) {
                throw e;
            }
            if (t != null) {
                throw new IllegalStateException(t);
            }
        }
    }
}
