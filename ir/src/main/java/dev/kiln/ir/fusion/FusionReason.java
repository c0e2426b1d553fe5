package dev.kiln.ir.fusion;

/** Why a producer was not fused into a consumer's kernel (its value is then written to memory). */
public enum FusionReason {
    /** Fusion is turned off: one kernel per equation. */
    FUSION_DISABLED,
    /** The consumer is a library kernel, which reads its operands from memory. */
    LIBRARY_OPERAND,
    /** The value is an output of the graph, so it is written anyway. */
    GRAPH_OUTPUT,
    /** Fusing would compute the value many times (read through a broadcast, or in several kernels) and it is not cheap. */
    RECOMPUTE_TOO_EXPENSIVE,
    /** A reduction or library result that the consumer does not read element for element, so it is no epilogue. */
    NOT_AN_EPILOGUE,
    /** The consumer kernel already has a reduction or library routine at its root. */
    CONSUMER_HAS_ROOT,
    /** A reduction or library result is only fused as the root of its consumers' kernel. */
    NOT_INLINABLE,
    /** The consumer is a reshape view of a value in memory. */
    ALIAS_CONSUMER,
    /** Fusing would make two kernels wait on each other. */
    WOULD_CREATE_CYCLE,
    /** The consumer kernel is already as large as one generated method should be. */
    KERNEL_TOO_LARGE
}
