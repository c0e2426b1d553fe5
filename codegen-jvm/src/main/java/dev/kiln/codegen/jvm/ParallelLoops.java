package dev.kiln.codegen.jvm;

/**
 * How generated loop kernels split their outermost loop across cores. Chunks of at least
 * {@code grain} iterations; the caller takes part.
 */
final class ParallelLoops {
    /** Work units (statements times inner iterations) below which a loop runs on the calling thread. */
    static final long MIN_PARALLEL_WORK = 100_000;

    /** The body of one chunk of iterations {@code [from, to)}. */
    @FunctionalInterface
    interface Chunk {
        void run(int from, int to);
    }

    private ParallelLoops() {
    }

    static void forRange(int n, int grain, Chunk body) {
        if (n > 0) {
            body.run(0, n);
        }
    }

    /** Iterations per chunk so that a chunk does at least {@link #MIN_PARALLEL_WORK} units. */
    static int grainFor(long workPerIteration) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, MIN_PARALLEL_WORK / Math.max(1, workPerIteration)));
    }
}
