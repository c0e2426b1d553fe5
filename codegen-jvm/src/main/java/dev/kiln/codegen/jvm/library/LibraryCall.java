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

    /**
     * True when the call wants its scratch all zeros on entry and leaves it all zeros on return
     * (a kernel that clears what it dirtied, cheaper than clearing everything each call): it then
     * gets a private scratch array of its own, zeroed once, not the run's shared scratch.
     */
    default boolean keepsScratchZero() {
        return false;
    }

    /** The dtype of the scratch array (meaningful when {@link #scratchSize()} is positive). */
    default DType scratchType() {
        return DType.F32;
    }
}
