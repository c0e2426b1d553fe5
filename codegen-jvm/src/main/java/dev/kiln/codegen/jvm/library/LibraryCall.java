package dev.kiln.codegen.jvm.library;

/**
 * A library primitive prepared for fixed operand types: {@code arrays[i]}/{@code offsets[i]}
 * locate operand i, the last pair the result, which the call overwrites entirely. Prepared once
 * per compile, run many times, from several threads at once.
 */
public interface LibraryCall {
    void run(Object[] arrays, int[] offsets);
}
