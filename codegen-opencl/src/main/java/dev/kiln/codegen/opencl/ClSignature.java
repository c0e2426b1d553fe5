package dev.kiln.codegen.opencl;

import dev.kiln.ir.device.DeviceMemory;
import dev.kiln.ir.kernel.BufferRef;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Kernel parameters and buffer pointers: a kernel takes the device allocations it touches
 * ({@code arena_f32}, {@code in0}, {@code const1}, {@code out0}) and names each buffer as a pointer
 * at its constant offset ({@code b_c = arena_f32 + 64}).
 */
final class ClSignature {
    static final String ERROR_FLAG = "kiln_err";

    private ClSignature() {
    }

    static String blockName(DeviceMemory.Block b) {
        return switch (b) {
            case DeviceMemory.Arena a -> "arena_" + a.dtype().shortName();
            case DeviceMemory.Input i -> "in" + i.index();
            case DeviceMemory.Constant c -> "const" + c.index();
            case DeviceMemory.Output o -> "out" + o.index();
        };
    }

    private static boolean readOnly(DeviceMemory.Block b) {
        return b instanceof DeviceMemory.Input || b instanceof DeviceMemory.Constant;
    }

    private static String pointer(DeviceMemory.Block b) {
        return "__global " + (readOnly(b) ? "const " : "") + ClTypes.memory(b.dtype()) + "*";
    }

    /** {@code __kernel void name(params) {}} opened on {@code w}. */
    static void open(CWriter w, String name, List<DeviceMemory.Block> blocks, boolean errorFlag, String attributes) {
        List<String> params = new ArrayList<>();
        for (DeviceMemory.Block b : blocks) {
            params.add(pointer(b) + " " + blockName(b));
        }
        if (errorFlag) {
            params.add("__global int* " + ERROR_FLAG);
        }
        w.open("__kernel " + attributes + "void " + name + "(" + String.join(", ", params) + ")");
    }

    /** One pointer declaration per buffer. */
    static void declare(CWriter w, ClExprs names, DeviceMemory mem, Collection<BufferRef> buffers) {
        for (BufferRef b : new java.util.LinkedHashSet<>(buffers)) {
            DeviceMemory.Location at = mem.locate(b);
            String base = blockName(at.block());
            w.line(pointer(at.block()) + " " + names.name(b) + " = " + base + (at.offset() == 0 ? "" : " + " + at.offset()) + ";");
        }
    }

}
