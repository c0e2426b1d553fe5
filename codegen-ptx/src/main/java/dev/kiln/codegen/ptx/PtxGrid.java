package dev.kiln.codegen.ptx;

import dev.kiln.ir.device.DeviceMemory;
import dev.kiln.ir.kernel.BufferRef;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The skeleton of the simple library kernels: one thread per element of an index space of
 * {@code total} elements, grid-stride, the element's index in a register.
 */
final class PtxGrid {
    static final int THREADS = 256;

    private PtxGrid() {
    }

    static PtxRendered kernel(String name, DeviceMemory mem, List<BufferRef> buffers, long total, boolean errorFlag,
                              String comment, BiConsumer<PtxKernel, Reg> body) {
        PtxKernel k = new PtxKernel(name, mem, buffers, errorFlag);
        k.b.comment(comment);
        Reg gid = k.globalId(), gsz = k.globalSize();
        Reg e = k.b.reg(PtxType.B32);
        k.b.loop(e, gid, total, gsz, () -> body.accept(k, e));
        long blocks = Math.min(PtxLoopKernel.MAX_BLOCKS, (total + THREADS - 1) / THREADS);
        return new PtxRendered(k, PtxLaunch.linear(k, blocks, THREADS));
    }

    /** The coordinates of flat index {@code flat} in {@code dims} (row-major). */
    static Reg[] unravel(PtxBuilder b, Reg flat, int[] dims) {
        Reg[] out = new Reg[dims.length];
        Reg rest = flat;
        for (int d = dims.length - 1; d >= 0; d--) {
            if (d == 0) {
                out[d] = rest;
            } else {
                out[d] = b.bin(PtxType.B32, "rem.s32", rest, dims[d]);
                rest = b.bin(PtxType.B32, "div.s32", rest, dims[d]);
            }
        }
        return out;
    }
}
