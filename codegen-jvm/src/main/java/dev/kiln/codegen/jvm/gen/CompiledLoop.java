package dev.kiln.codegen.jvm.gen;

/**
 * A loop kernel compiled to bytecode. {@code arrays[i]} and {@code offsets[i]} locate the kernel's
 * i-th buffer (its reads, then its writes); {@code [from, to)} is the range of the outermost,
 * parallel loop this call runs (the whole range, {@code [0, 1)}, when the kernel has no parallel
 * loop). Implementations are stateless, so one instance serves every thread.
 */
public interface CompiledLoop {
    void run(Object[] arrays, int[] offsets, int from, int to);
}
