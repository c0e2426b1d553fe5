package dev.kiln.codegen.ptx;

import dev.kiln.ir.Graph;
import dev.kiln.ir.buffers.BufferPlan;
import dev.kiln.ir.device.DeviceMemory;
import dev.kiln.ir.device.IndexCheck;
import dev.kiln.ir.fusion.FusionPlan;
import dev.kiln.ir.kernel.KernelProgram;
import java.util.List;
import java.util.Map;

/**
 * A graph compiled to PTX, before any device is involved: the optimised graph, its kernel and
 * buffer plans, the PTX module text (every kernel of the plan) and the launches that run it in
 * order. {@link PtxCompiler#emit} makes one without a GPU; {@link PtxBackend} loads and runs it.
 *
 * @param checks for each error-flag launch id, what it checks (for the error message)
 */
public record PtxModule(Graph optimized, FusionPlan fusion, KernelProgram kernels, BufferPlan buffers, String text,
                        List<PtxLaunch> launches, Map<Integer, IndexCheck> checks) {

    /** PTX ISA version and target every module declares (accepted by ptxas of CUDA 12/13 and JCuda's NVPTX compiler). */
    public static final String VERSION = "7.8", TARGET = "sm_80";


    public PtxModule {
        launches = List.copyOf(launches);
        checks = Map.copyOf(checks);
    }

    public DeviceMemory memory() {
        return new DeviceMemory(buffers);
    }

    /** The entry names in launch order. */
    public List<String> kernelNames() {
        return launches.stream().map(PtxLaunch::kernel).toList();
    }
}
