package dev.kiln.codegen.jvm;

import dev.kiln.codegen.jvm.gen.CompiledLoop;
import dev.kiln.ir.buffers.Placement;

/**
 * A generated loop kernel with its buffers' placements: each run gathers the arrays, then runs
 * the kernel's parallel loop in chunks across cores (or the whole kernel at once when it has no
 * parallel loop).
 */
final class LoopStep implements Step {
    private final String name;
    private final CompiledLoop loop;
    private final Placement[] params;
    private final int[] offsets;
    private final int parallelExtent;
    private final int grain;

    /** @param parallelExtent the extent of the kernel's parallel loop, or -1 if it has none */
    LoopStep(String name, CompiledLoop loop, Placement[] params, int parallelExtent, int grain) {
        this.name = name;
        this.loop = loop;
        this.params = params;
        this.offsets = new int[params.length];
        for (int i = 0; i < params.length; i++) {
            offsets[i] = params[i].where() == Placement.Where.ARENA ? params[i].offset() : 0;
        }
        this.parallelExtent = parallelExtent;
        this.grain = grain;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void run(RunFrame frame) {
        Object[] arrays = new Object[params.length];
        for (int i = 0; i < params.length; i++) {
            arrays[i] = frame.array(params[i]);
        }
        if (parallelExtent < 0) {
            loop.run(arrays, offsets, 0, 1);
        } else {
            ParallelLoops.forRange(parallelExtent, grain, (from, to) -> loop.run(arrays, offsets, from, to));
        }
    }
}
