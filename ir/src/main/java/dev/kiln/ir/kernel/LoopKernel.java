package dev.kiln.ir.kernel;

import java.util.List;

/**
 * A kernel that is one loop nest: its body in kernel IR, the buffers it touches, and its
 * outermost loop, whose iterations are independent (the backend splits it across cores).
 *
 * @param inPlace pairs (read, written) of buffers of one dtype and size where every element is
 *                read only by the iteration that writes the same element, after reading it; buffer
 *                assignment may give the two the same memory when the read one dies here
 */
public record LoopKernel(String name, List<BufferRef> reads, List<BufferRef> writes, List<BufferRef> scratch,
                         List<Stmt> body, List<InPlace> inPlace) implements Kernel {
    public LoopKernel {
        reads = List.copyOf(reads);
        writes = List.copyOf(writes);
        scratch = List.copyOf(scratch);
        body = List.copyOf(body);
        inPlace = List.copyOf(inPlace);
    }

    /** A read buffer whose memory the written buffer may take over. */
    public record InPlace(BufferRef read, BufferRef written) {
    }

    /** The outermost loop when the body is one loop (the parallel one), else null. */
    public Stmt.Loop outerLoop() {
        return body.size() == 1 && body.getFirst() instanceof Stmt.Loop l ? l : null;
    }
}
