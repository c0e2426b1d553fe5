package dev.kiln.codegen.ptx;

import dev.kiln.ir.Graph;
import dev.kiln.runtime.Backend;
import dev.kiln.runtime.CompileOptions;
import dev.kiln.runtime.Executable;

/**
 * The CUDA backend: the kernel plan as PTX, loaded and launched through JCuda's driver API. Ranks
 * above the JVM backend, so a machine with an NVIDIA GPU uses it by default (as JAX does); absent,
 * with a one-line reason, where there is no CUDA driver or device.
 */
public final class PtxBackend implements Backend {
    @Override
    public String name() {
        return "ptx";
    }

    @Override
    public int priority() {
        return 20;
    }

    @Override
    public Availability availability() {
        Object p = CudaDevice.probe();
        return p instanceof CudaDevice d ? Availability.yes("PTX on " + d.description()) : Availability.no((String) p);
    }

    @Override
    public Executable compile(Graph graph, CompileOptions options) {
        CudaDevice dev = CudaDevice.get();
        return new PtxExecutable(PtxCompiler.emit(graph, options), dev, options.label());
    }
}
