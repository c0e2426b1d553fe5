package dev.kiln.codegen.opencl;

import dev.kiln.ir.device.DeviceMemory;

/**
 * What every kernel renderer of one program needs: where the buffers live, and a prefix for the
 * kernel function names (so that several programs can share one OpenCL program build).
 */
record ClScope(DeviceMemory memory, String prefix) {
    /** The OpenCL function name of kernel {@code name}. */
    String function(String name) {
        String s = (prefix + name).replaceAll("[^A-Za-z0-9_]", "_");
        return Character.isDigit(s.charAt(0)) ? "k_" + s : s;
    }
}
