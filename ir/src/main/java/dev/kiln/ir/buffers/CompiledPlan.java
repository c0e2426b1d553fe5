package dev.kiln.ir.buffers;

import dev.kiln.ir.Graph;
import dev.kiln.ir.fusion.Fuser;
import dev.kiln.ir.fusion.FusionPlan;
import dev.kiln.ir.kernel.KernelProgram;
import dev.kiln.ir.kernel.Lowering;
import dev.kiln.ir.opt.Optimizer;

/**
 * The backend-neutral half of compilation, which every backend shares: the optimised graph, its
 * fusion plan, the kernels in kernel IR and the buffer plan (checked by {@link BufferValidator}).
 * A backend renders {@link #program} and runs it with the placements of {@link #buffers}.
 */
public record CompiledPlan(Graph traced, Graph optimized, FusionPlan fusion, KernelProgram program, BufferPlan buffers) {

    /** Optimises, fuses (or not), lowers and places {@code graph}; throws if the buffer plan is unsafe. */
    public static CompiledPlan of(Graph graph, boolean fuse, boolean reuseBuffers) {
        return of(graph, Fuser.Options.of(fuse), BufferAssignment.Options.of(reuseBuffers));
    }

    /** As {@link #of(Graph, boolean, boolean)}, with what the backend's kernels allow beyond the defaults. */
    public static CompiledPlan of(Graph graph, Fuser.Options fusionOptions, BufferAssignment.Options bufferOptions) {
        Graph optimized = Optimizer.optimize(graph);
        FusionPlan fusion = Fuser.plan(optimized, fusionOptions);
        KernelProgram program = Lowering.lower(fusion);
        BufferPlan buffers = BufferAssignment.assign(program, bufferOptions);
        BufferValidator.check(buffers);
        return new CompiledPlan(graph, optimized, fusion, program, buffers);
    }
}
