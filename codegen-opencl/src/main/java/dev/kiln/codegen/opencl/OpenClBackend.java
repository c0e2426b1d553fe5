package dev.kiln.codegen.opencl;

import dev.kiln.ir.Graph;
import dev.kiln.runtime.Backend;
import dev.kiln.runtime.CompileOptions;
import dev.kiln.runtime.Executable;

/**
 * The OpenCL backend: the kernel plan as OpenCL C, run with JOCL on the first OpenCL GPU (or any
 * OpenCL device: PoCL runs it on the CPU). Ranks below the JVM backend, so it runs only when asked
 * for ({@code KILN_BACKEND=opencl}, {@code --backend opencl}, {@code JitOptions.onBackend("opencl")}).
 */
public final class OpenClBackend implements Backend {
    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public int priority() {
        return 5;
    }

    @Override
    public Availability availability() {
        Object p = OpenClDevice.probe();
        return p instanceof OpenClDevice d ? Availability.yes("OpenCL on " + d.description) : Availability.no((String) p);
    }

    @Override
    public Executable compile(Graph graph, CompileOptions options) {
        OpenClDevice dev = OpenClDevice.get();
        OpenClProgram program = OpenClCompiler.emit(graph, options);
        if (program.fp64() && !dev.fp64) {
            throw new dev.kiln.ir.KilnException("opencl", options.label() + " computes in f64 but " + dev.description
                    + " has no cl_khr_fp64", null, "use f32, or the jvm backend");
        }
        return new OpenClExecutable(program, dev, options.label());
    }
}
