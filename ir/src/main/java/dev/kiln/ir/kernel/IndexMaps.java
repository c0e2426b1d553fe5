package dev.kiln.ir.kernel;

import dev.kiln.ir.Ints;
import dev.kiln.ir.Shape;
import dev.kiln.ir.prim.BroadcastInDim;
import dev.kiln.ir.prim.Slice;
import java.util.ArrayList;
import java.util.List;

/**
 * The index remappings of the layout primitives: given the index of an output element, the
 * index of the operand element it reads. Pads and concatenations, which also need guards, are in
 * {@link KernelBuilder}.
 */
final class IndexMaps {
    private IndexMaps() {
    }

    static List<Idx> broadcast(BroadcastInDim b, Shape operand, List<Idx> out) {
        List<Idx> in = new ArrayList<>();
        for (int i = 0; i < operand.rank(); i++) {
            in.add(operand.dim(i) == 1 ? Idx.zero() : out.get(b.broadcastDimensions().get(i)));
        }
        return in;
    }

    /** Row-major flat position of the output element, unravelled in the operand's shape. */
    static List<Idx> reshape(Shape outShape, Shape operand, List<Idx> out) {
        Idx flat = KernelBuilder.flat(outShape, out);
        int[] strides = operand.strides();
        List<Idx> in = new ArrayList<>();
        for (int d = 0; d < operand.rank(); d++) {
            Idx q = flat.div(strides[d]);
            in.add(d == 0 ? q : q.mod(operand.dim(d)));
        }
        return in;
    }

    static List<Idx> transpose(Ints perm, List<Idx> out) {
        Idx[] in = new Idx[perm.size()];
        for (int i = 0; i < perm.size(); i++) {
            in[perm.get(i)] = out.get(i);
        }
        return List.of(in);
    }

    static List<Idx> rev(Ints dims, Shape shape, List<Idx> out) {
        List<Idx> in = new ArrayList<>(out);
        for (int i = 0; i < dims.size(); i++) {
            int d = dims.get(i);
            in.set(d, out.get(d).times(-1).plus(shape.dim(d) - 1));
        }
        return in;
    }

    static List<Idx> slice(Slice s, List<Idx> out) {
        List<Idx> in = new ArrayList<>();
        for (int d = 0; d < out.size(); d++) {
            in.add(out.get(d).times(s.strides().get(d)).plus(s.start().get(d)));
        }
        return in;
    }
}
