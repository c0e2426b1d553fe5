package dev.kiln.autodiff;

import dev.kiln.ir.Equation;
import dev.kiln.ir.Shape;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.Concatenate;
import dev.kiln.ir.prim.Slice;
import dev.kiln.tracer.Tensor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cotangents of slices held back until their operand's cotangent is needed. The cotangent of a
 * unit-stride slice along one axis is a slab of its operand's cotangent. Applied one slice at a
 * time, each slab becomes a zero-padded array of the operand's full size and the slabs are added
 * up: an LSTM step slices its gates four ways, so 256 steps trace 1,024 pads and as many adds,
 * which grad, vmap and the optimiser each walk before {@code PadSumsToConcatenation} turns them back
 * into concatenations. Held back, slabs that are disjoint along one axis become that concatenation
 * at once, with zeros in the gaps. Exact: the values are the same sums of one slab and zeros.
 */
final class SlabCotangents {
    /** One slice's cotangent: elements {@code [start, end)} of the operand along {@code axis}. */
    private record Piece(int axis, int start, int end, Tensor ct, Equation slice) {
    }

    private final Map<Var, List<Piece>> pending = new IdentityHashMap<>();

    /** Holds back the cotangent {@code ct} of {@code slice} if it is a unit-stride slab along one axis. */
    boolean hold(Equation slice, Tensor ct) {
        if (!(slice.primitive() instanceof Slice s) || !(slice.input(0) instanceof Var v)) {
            return false;
        }
        int axis = slabAxis(s, v.type());
        if (axis < 0) {
            return false;
        }
        pending.computeIfAbsent(v, k -> new ArrayList<>(4))
                .add(new Piece(axis, s.start().get(axis), s.limit().get(axis), ct, slice));
        return true;
    }

    /** {@code v}'s cotangent: {@code dense} (null: none) plus the slabs held back for {@code v}, if any. */
    Tensor release(Var v, Tensor dense) {
        List<Piece> pieces = pending.remove(v);
        if (pieces == null) {
            return dense;
        }
        Tensor slabs = concatenation(v.type(), pieces);
        if (slabs == null) {
            for (Piece p : pieces) {
                Tensor padded = padded(v.type(), p);
                slabs = slabs == null ? padded : emitter(p).bind(new Binary(BinaryOp.ADD), slabs, padded);
            }
        }
        return dense == null ? slabs : emitter(pieces.getFirst()).bind(new Binary(BinaryOp.ADD), dense, slabs);
    }

    /** Every variable with slabs still held back (inputs and constants, whose cotangents are read last). */
    List<Var> held() {
        return new ArrayList<>(pending.keySet());
    }

    /** The one axis a unit-stride slice narrows, or -1 (strided, several axes, or the whole operand). */
    private static int slabAxis(Slice s, TensorType operand) {
        int axis = -1;
        for (int i = 0; i < operand.rank(); i++) {
            if (s.strides().get(i) != 1) {
                return -1;
            }
            if (s.start().get(i) != 0 || s.limit().get(i) != operand.dim(i)) {
                if (axis >= 0) {
                    return -1;
                }
                axis = i;
            }
        }
        return axis;
    }

    /** The slabs as one concatenation with zeros in the gaps, or null unless they are disjoint along one axis. */
    private static Tensor concatenation(TensorType type, List<Piece> pieces) {
        if (pieces.size() < 2) {
            return null;
        }
        int axis = pieces.getFirst().axis();
        List<Piece> sorted = new ArrayList<>(pieces);
        sorted.sort(Comparator.comparingInt(Piece::start));
        List<Tensor> operands = new ArrayList<>();
        int at = 0;
        for (Piece p : sorted) {
            if (p.axis() != axis || p.start() < at) {
                return null;
            }
            if (p.start() > at) {
                operands.add(gap(type, axis, p.start() - at, p));
            }
            operands.add(p.ct());
            at = p.end();
        }
        if (at < type.dim(axis)) {
            operands.add(gap(type, axis, type.dim(axis) - at, sorted.getFirst()));
        }
        return emitter(pieces.getFirst()).bind(new Concatenate(axis), operands.toArray(Tensor[]::new));
    }

    private static Tensor gap(TensorType type, int axis, int length, Piece p) {
        int[] dims = type.shape().toArray();
        dims[axis] = length;
        return emitter(p).zeros(type.withShape(Shape.of(dims)));
    }

    /** One slab alone: zero-padded to the operand's shape, as the slice's VJP rule makes it. */
    private static Tensor padded(TensorType type, Piece p) {
        int r = type.rank();
        int[] low = new int[r], high = new int[r], interior = new int[r];
        low[p.axis()] = p.start();
        high[p.axis()] = type.dim(p.axis()) - p.end();
        return emitter(p).pad(p.ct(), 0, low, high, interior);
    }

    private static Emitter emitter(Piece p) {
        return new Emitter(p.slice().source());
    }
}
