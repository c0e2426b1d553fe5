package dev.kiln.codegen.opencl;

import dev.kiln.ir.device.DeviceMemory;
import dev.kiln.ir.kernel.BufferRef;
import dev.kiln.ir.kernel.LibraryKernel;
import java.util.List;
import java.util.function.Consumer;

/**
 * The skeleton of the simple library kernels: one work-item per element of an index space of
 * {@code total} elements, grid-stride, with the element's index in {@code e}.
 */
final class ClGrid {
    private ClGrid() {
    }

    static ClKernel kernel(LibraryKernel lib, ClScope scope, ClExprs x, List<BufferRef> buffers, long total,
                           boolean errorFlag, String comment, Consumer<CWriter> body) {
        String fn = scope.function(lib.name());
        DeviceMemory mem = scope.memory();
        List<DeviceMemory.Block> blocks = mem.blocks(buffers);
        CWriter w = new CWriter();
        w.line("// " + lib.name() + ": " + comment);
        ClSignature.open(w, fn, blocks, errorFlag, "");
        ClSignature.declare(w, x, mem, buffers);
        w.open("for (int e = get_global_id(0); e < " + total + "; e += get_global_size(0))");
        body.accept(w);
        w.close();
        w.close();
        long groups = Math.min(ClLoopKernel.MAX_GROUPS, (total + ClLoopKernel.LANES - 1) / ClLoopKernel.LANES);
        return new ClKernel(w.toString(), ClLaunch.linear(fn, groups, ClLoopKernel.LANES, blocks, errorFlag));
    }

    /** Declares {@code int name0..} as the coordinates of flat index {@code flat} in {@code dims} (row-major). */
    static void unravel(CWriter w, String flat, String name, int[] dims) {
        w.line("int rest_" + name + " = " + flat + ";");
        for (int d = dims.length - 1; d >= 0; d--) {
            if (d == 0) {
                w.line("const int " + name + d + " = rest_" + name + ";");
            } else {
                w.line("const int " + name + d + " = rest_" + name + " % " + dims[d] + "; rest_" + name + " /= " + dims[d] + ";");
            }
        }
    }
}
