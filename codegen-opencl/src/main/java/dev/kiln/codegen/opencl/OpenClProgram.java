package dev.kiln.codegen.opencl;

import dev.kiln.ir.Graph;
import dev.kiln.ir.buffers.BufferPlan;
import dev.kiln.ir.device.DeviceMemory;
import dev.kiln.ir.device.IndexCheck;
import dev.kiln.ir.fusion.FusionPlan;
import dev.kiln.ir.kernel.KernelProgram;
import java.util.List;
import java.util.Map;

/**
 * A graph compiled to OpenCL C, before any device is involved: the optimised graph, its kernel
 * plan and buffer plan, the program source (every kernel of the plan, in one program) and the
 * launches that run it in order. {@link OpenClCompiler#emit} makes one without a device;
 * {@link OpenClBackend} builds and runs it.
 *
 * @param source        the whole program: the prelude of helper functions, then {@code kernelsSource}
 * @param kernelsSource the kernel functions alone
 * @param checks        for each error-flag launch id, what it checks (for the error message)
 */
public record OpenClProgram(Graph optimized, FusionPlan fusion, KernelProgram kernels, BufferPlan buffers,
                            String source, String kernelsSource, List<ClLaunch> launches, boolean fp64,
                            Map<Integer, IndexCheck> checks) {

    public OpenClProgram {
        launches = List.copyOf(launches);
        checks = Map.copyOf(checks);
    }

    public DeviceMemory memory() {
        return new DeviceMemory(buffers);
    }

    /** This program built as part of {@code merged}, a program holding its kernels and others'. */
    OpenClProgram within(String merged) {
        return new OpenClProgram(optimized, fusion, kernels, buffers, merged, kernelsSource, launches, fp64, checks);
    }

    /** The kernel function names in launch order. */
    public List<String> kernelNames() {
        return launches.stream().map(ClLaunch::kernel).toList();
    }
}
