package dev.kiln.codegen.jvm.library;

import dev.kiln.ir.DType;

/**
 * A library primitive prepared for fixed operand types: {@code arrays[i]}/{@code offsets[i]}
 * locate operand i, the last pair the result, which the call overwrites entirely. Prepared once
 * per compile, run many times, from several threads at once, each run bringing its own scratch:
 * an array of {@link #scratchType()} with at least {@link #scratchSize()} elements.
 */
public interface LibraryCall {
    void run(Object[] arrays, int[] offsets, Object scratch);

    /** Elements of scratch one run needs (0: none). */
    default int scratchSize() {
        return 0;
    }

    /** The dtype of the scratch array (meaningful when {@link #scratchSize()} is positive). */
    default DType scratchType() {
        return DType.F32;
    }
}
