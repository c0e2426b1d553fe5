package dev.kiln.ir.buffers;

import dev.kiln.ir.Graph;
import dev.kiln.ir.fusion.Fuser;
import dev.kiln.ir.fusion.FusionPlan;
import dev.kiln.ir.kernel.KernelProgram;
import dev.kiln.ir.kernel.Lowering;
import dev.kiln.ir.opt.Optimizer;
import dev.kiln.ir.verify.Checks;

/**
 * The backend-neutral half of compilation, which every backend shares: the optimised graph, its
 * fusion plan, the kernels in kernel IR and the buffer plan (checked by {@link BufferValidator}).
 * A backend renders {@link #program} and runs it with the placements of {@link #buffers}, and may
 * add its own stages to {@link #times}.
 */
public record CompiledPlan(Graph traced, Graph optimized, FusionPlan fusion, KernelProgram program, BufferPlan buffers,
                           CompileTimes times) {

    /** Optimises, fuses (or not), lowers and places {@code graph}; throws if the buffer plan is unsafe. */
    public static CompiledPlan of(Graph graph, boolean fuse, boolean reuseBuffers) {
        return of(graph, Fuser.Options.of(fuse), BufferAssignment.Options.of(reuseBuffers));
    }

    /** As {@link #of(Graph, boolean, boolean)}, with what the backend's kernels allow beyond the defaults. */
    public static CompiledPlan of(Graph graph, Fuser.Options fusionOptions, BufferAssignment.Options bufferOptions) {
        CompileTimes times = new CompileTimes();
        Graph optimized = times.time("optimize", () -> Optimizer.optimize(graph));
        FusionPlan fusion = times.time("fuse", () -> Fuser.plan(optimized, fusionOptions));
        KernelProgram program = times.time("lower", () -> Lowering.lower(fusion));
        BufferPlan buffers = times.time("buffers", () -> BufferAssignment.assign(program, bufferOptions));
        if (Checks.enabled()) {
            times.time("validate", () -> {
                BufferValidator.check(buffers);
                return null;
            });
        }
        return new CompiledPlan(graph, optimized, fusion, program, buffers, times);
    }
}
