package dev.kiln.codegen.jvm;

import dev.kiln.codegen.jvm.kernels.Parallel;

/**
 * How generated loop kernels split their outermost loop across cores: through the kernels'
 * shared pool ({@link Parallel}), in chunks of at least {@code grain} iterations, the caller taking
 * part. Work is counted in kernel IR statements times inner iterations.
 */
final class ParallelLoops {
    /** The body of one chunk of iterations {@code [from, to)}. */
    @FunctionalInterface
    interface Chunk {
        void run(int from, int to);
    }

    private ParallelLoops() {
    }

    static void forRange(int n, int grain, Chunk body) {
        Parallel.parallelFor(n, grain, (lane, from, to) -> body.run(from, to));
    }

    /** Iterations per chunk so that a chunk does at least {@link Parallel#MIN_PARALLEL_WORK} units. */
    static int grainFor(long workPerIteration) {
        return Parallel.grainFor(workPerIteration);
    }
}
