package dev.kiln.ir.buffers;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Constant;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A device backend's graph outputs on the host: first the outputs the kernels wrote (owned),
 * downloaded; then the others as the buffer plan binds them, made on the host: a scalar fill, or a
 * copy of an input, a constant or an output already downloaded. (The JVM backend, whose arena is
 * host memory, can also copy from the arena and binds its own.)
 */
public final class HostOutputs {
    private HostOutputs() {
    }

    /**
     * @param download  output {@code i} (an {@code OWNED} binding) as a fresh host array
     * @param inputs    the call's inputs
     * @param constants the optimised graph's constants
     */
    public static List<ArrayData> collect(List<OutputBinding> bindings, IntFunction<ArrayData> download,
                                          List<ArrayData> inputs, List<Constant> constants) {
        ArrayData[] outs = new ArrayData[bindings.size()];
        for (int i = 0; i < outs.length; i++) {
            if (bindings.get(i).kind() == OutputBinding.Kind.OWNED) {
                outs[i] = download.apply(i);
            }
        }
        for (int i = 0; i < outs.length; i++) {
            OutputBinding o = bindings.get(i);
            switch (o.kind()) {
                case OWNED -> {
                }
                case FILL -> outs[i] = ArrayData.full(o.type(), o.literal().value());
                case COPY -> outs[i] = copyOf(o, inputs, constants, outs);
            }
        }
        return Arrays.asList(outs);
    }

    private static ArrayData copyOf(OutputBinding o, List<ArrayData> inputs, List<Constant> constants, ArrayData[] outs) {
        Placement from = o.from();
        ArrayData src = switch (from.where()) {
            case INPUT -> inputs.get(from.index());
            case CONSTANT -> constants.get(from.index()).value();
            case OUTPUT -> outs[from.index()];
            case ARENA -> throw new IllegalStateException("an output copied from the arena: " + from);
        };
        return src.copy().reshape(o.type().shape());
    }
}
