package dev.kiln.codegen.opencl;

import dev.kiln.ir.device.DeviceMemory;
import java.util.Arrays;
import java.util.List;

/**
 * One kernel launch of a compiled program: the kernel function, its NDRange (global and local
 * sizes per dimension) and its arguments: the device allocations it touches, in order, then the
 * error flag when it checks indices.
 */
record ClLaunch(String kernel, long[] global, long[] local, List<DeviceMemory.Block> blocks, boolean errorFlag) {
    ClLaunch {
        global = global.clone();
        local = local.clone();
        blocks = List.copyOf(blocks);
    }

    /** A one-dimensional launch of {@code groups} work-groups of {@code lanes} work-items. */
    static ClLaunch linear(String kernel, long groups, int lanes, List<DeviceMemory.Block> blocks, boolean errorFlag) {
        return new ClLaunch(kernel, new long[]{Math.max(1, groups) * lanes}, new long[]{lanes}, blocks, errorFlag);
    }

    @Override
    public String toString() {
        return kernel + " global " + Arrays.toString(global) + " local " + Arrays.toString(local);
    }
}
