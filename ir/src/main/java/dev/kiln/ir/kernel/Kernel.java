package dev.kiln.ir.kernel;

import java.util.List;

/**
 * One kernel of a compiled program, as every backend receives it: a loop nest in kernel IR, a
 * library routine (with an optional fused epilogue in kernel IR), or an alias that makes a
 * reshaped value share its operand's memory.
 */
public sealed interface Kernel permits LoopKernel, LibraryKernel, AliasKernel {
    /** A name unique in its program, e.g. {@code k3_reduce_sum}; dumps and generated classes use it. */
    String name();

    /** Buffers read (graph inputs, constants and values of earlier kernels). */
    List<BufferRef> reads();

    /** Buffers written (values). */
    List<BufferRef> writes();

    /** Working buffers used only inside this kernel. */
    List<BufferRef> scratch();
}
