package dev.kiln.codegen.jvm;

import dev.kiln.codegen.jvm.library.LibraryCall;
import dev.kiln.ir.buffers.Placement;

/** A library routine on its operands' and result's placements, then its fused epilogue, if any. */
final class LibraryStep implements Step {
    private final String name;
    private final LibraryCall call;
    private final Placement[] params;
    private final int[] offsets;
    private final LoopStep epilogue;

    /** @param params the operands' placements, then the result's */
    LibraryStep(String name, LibraryCall call, Placement[] params, LoopStep epilogue) {
        this.name = name;
        this.call = call;
        this.params = params;
        this.offsets = new int[params.length];
        for (int i = 0; i < params.length; i++) {
            offsets[i] = params[i].where() == Placement.Where.ARENA ? params[i].offset() : 0;
        }
        this.epilogue = epilogue;
    }

    LibraryCall call() {
        return call;
    }

    /** The fused epilogue, or null. */
    LoopStep epilogue() {
        return epilogue;
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
        Object scratch = call.scratchSize() <= 0 ? null
                : call.keepsScratchZero() ? frame.workspace.zeroedScratch(call) : frame.workspace.scratch(call.scratchType());
        call.run(arrays, offsets, scratch);
        if (epilogue != null) {
            epilogue.run(frame);
        }
    }
}
