package dev.kiln.ir.kernel;

import dev.kiln.ir.Atom;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Var;
import dev.kiln.ir.fusion.FusedKernel;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BroadcastInDim;
import dev.kiln.ir.prim.Compare;
import dev.kiln.ir.prim.Convert;
import dev.kiln.ir.prim.Select;
import dev.kiln.ir.prim.Slice;
import dev.kiln.ir.prim.Unary;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The slices of a fused kernel whose start only adds a constant to addresses: step {@code t} of
 * an unrolled recurrence reading {@code (x + b)[t]} computes {@code x + b} at row {@code t} alone.
 * Lowering asks for a value at the index its consumers read it at; a slice asks for its operand at
 * {@code out*stride + start}, an elementwise operation for its operands at its own index, a
 * broadcast for its operand at the index's kept dimensions. So when every value between a slice
 * and the values read from memory is elementwise or a broadcast and is read nowhere else, the
 * start is a constant added to each index on the way, and in the end to the loads' addresses: no
 * guard, quotient, iota or loop decision sees it, and two loads coincide or not whatever it is.
 *
 * <p>The analysis follows each slice's start, dimension by dimension, from consumers to producers:
 * each value gets the map from its dimensions to the start components added to its index there.
 * A value whose readers disagree on that map (two slices of one value, a value also stored as an
 * output or read unshifted, a shifted value read by a reshape, pad, iota or reduction) makes the
 * slices involved concrete (their starts stay in the kernel's key), and the analysis runs again.
 */
final class SliceShifts {
    /** Start components are coded {@code equation position * RANKS + dimension}. */
    private static final int RANKS = 64;

    /** The abstracted slices, and for each value read from memory the start component added to each of its dimensions (-1: none). */
    record Result(Set<Equation> abstracted, Map<Var, int[]> slotShifts) {
        static final Result NONE = new Result(Set.of(), Map.of());

        /** The constant that the abstracted starts add to the flat addresses of {@code slot}, of shape {@code strides}. */
        int offset(Var slot, List<Equation> equations) {
            int[] m = slotShifts.get(slot);
            if (m == null) {
                return 0;
            }
            int[] strides = slot.shape().strides();
            long off = 0;
            for (int d = 0; d < m.length; d++) {
                if (m[d] >= 0) {
                    Slice s = (Slice) equations.get(m[d] / RANKS).primitive();
                    off += (long) s.start().get(m[d] % RANKS) * strides[d];
                }
            }
            return Math.toIntExact(off);
        }
    }

    private SliceShifts() {
    }

    static Result of(FusedKernel k) {
        List<Equation> eqs = k.equations();
        boolean anySlice = false;
        for (Equation eq : eqs) {
            anySlice |= eq.primitive() instanceof Slice;
        }
        if (!anySlice) {
            return Result.NONE;
        }
        Set<Integer> concrete = new HashSet<>();
        while (true) {
            Pass p = new Pass(k, concrete);
            p.run();
            if (p.bad.isEmpty()) {
                return p.abstracted.isEmpty() ? Result.NONE : new Result(p.abstracted, p.slotShifts());
            }
            concrete.addAll(p.bad);
        }
    }

    /** One sweep from the outputs to the values read from memory, given the slices kept concrete. */
    private static final class Pass {
        private final FusedKernel k;
        private final Set<Integer> concrete;
        /** Each value's shift as its readers gave it (null: none), once some reader or output gave it. */
        private final Map<Var, int[]> shift = new IdentityHashMap<>();
        private final Map<Var, Boolean> defined = new IdentityHashMap<>();
        private final Set<Equation> abstracted = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        /** Positions of slices whose start must stay concrete. */
        final Set<Integer> bad = new HashSet<>();

        Pass(FusedKernel k, Set<Integer> concrete) {
            this.k = k;
            this.concrete = concrete;
        }

        void run() {
            List<Equation> eqs = k.equations();
            for (Equation eq : eqs) {
                defined.put(eq.out(), true);
            }
            for (Var o : k.outputs()) {
                give(o, null); // stored at the kernel's own index
            }
            for (int i = eqs.size() - 1; i >= 0; i--) {
                Equation eq = eqs.get(i);
                int[] m = shift.get(eq.out());
                switch (eq.primitive()) {
                    case Unary u -> operands(eq, m);
                    case Binary b -> operands(eq, m);
                    case Compare c -> operands(eq, m);
                    case Select s -> operands(eq, m);
                    case Convert c -> operands(eq, m);
                    case BroadcastInDim b -> give((Var) eq.input(0), broadcast(b, ((Var) eq.input(0)).shape().dims(), m));
                    case Slice s -> slice(i, eq, s, m);
                    default -> {
                        blame(m);
                        for (Atom a : eq.inputs()) {
                            if (a instanceof Var v) {
                                give(v, null);
                            }
                        }
                    }
                }
            }
        }

        private void operands(Equation eq, int[] m) {
            for (Atom a : eq.inputs()) {
                if (a instanceof Var v) {
                    give(v, v.shape().rank() == 0 ? null : m); // a rank-0 operand is read at []
                }
            }
        }

        private static int[] broadcast(BroadcastInDim b, Ints dims, int[] m) {
            if (m == null) {
                return null;
            }
            int[] out = new int[dims.size()];
            boolean any = false;
            for (int i = 0; i < out.length; i++) {
                out[i] = dims.get(i) == 1 ? -1 : m[b.broadcastDimensions().get(i)];
                any |= out[i] >= 0;
            }
            return any ? out : null;
        }

        private void slice(int position, Equation eq, Slice s, int[] m) {
            Var operand = (Var) eq.input(0);
            if (m == null && !concrete.contains(position)) {
                int[] own = new int[s.start().size()];
                for (int d = 0; d < own.length; d++) {
                    own[d] = position * RANKS + d;
                }
                abstracted.add(eq);
                give(operand, own);
                return;
            }
            for (int d = 0; m != null && d < m.length; d++) {
                if (m[d] >= 0 && s.strides().get(d) != 1) {
                    blame(m); // a shift of the output is a multiple of it in the operand
                    break;
                }
            }
            give(operand, m); // a concrete unit-stride slice passes a shift on unchanged
        }

        /** Records that a reader asks for {@code v} shifted by {@code m}; readers that disagree make their slices concrete. */
        private void give(Var v, int[] m) {
            if (!shift.containsKey(v)) {
                shift.put(v, m);
                return;
            }
            int[] was = shift.get(v);
            if (!Arrays.equals(was, m)) {
                blame(was);
                blame(m);
            }
        }

        private void blame(int[] m) {
            if (m != null) {
                for (int c : m) {
                    if (c >= 0) {
                        bad.add(c / RANKS);
                    }
                }
            }
        }

        Map<Var, int[]> slotShifts() {
            Map<Var, int[]> out = new IdentityHashMap<>();
            shift.forEach((v, m) -> {
                if (m != null && !defined.containsKey(v)) {
                    out.put(v, m);
                }
            });
            return out;
        }
    }
}
