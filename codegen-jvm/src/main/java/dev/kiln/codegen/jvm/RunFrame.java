package dev.kiln.codegen.jvm;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.buffers.Placement;
import java.util.List;

/** The arrays one run of an executable works on: its inputs, the constants, fresh output arrays and a workspace. */
final class RunFrame {
    final List<ArrayData> inputs;
    final List<ArrayData> constants;
    final Object[] outputs;
    final Workspace workspace;

    RunFrame(List<ArrayData> inputs, List<ArrayData> constants, Object[] outputs, Workspace workspace) {
        this.inputs = inputs;
        this.constants = constants;
        this.outputs = outputs;
        this.workspace = workspace;
    }

    /** The Java array a placement lies in (its offset is the placement's). */
    Object array(Placement p) {
        return switch (p.where()) {
            case INPUT -> inputs.get(p.index()).storage();
            case CONSTANT -> constants.get(p.index()).storage();
            case OUTPUT -> outputs[p.index()];
            case ARENA -> workspace.arena(p.dtype());
        };
    }
}
