package dev.kiln.ir.kernel;

import dev.kiln.ir.Atom;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Literal;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.fusion.FusedKernel;
import dev.kiln.ir.prim.Slice;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Fused kernels lowered once per structure. Lowering a kernel depends only on its kind, its
 * equations (primitives with their parameters, how they read each other, literals), the types of
 * the values it reads and writes, the kinds of their buffers and the order of its outputs; not on
 * which variables those are. So two kernels with equal {@link #key keys} lower to the same kernel
 * IR up to their buffers, and the second is the first's with its buffers renamed: an unrolled
 * recurrence (the LSTM's 256 steps) lowers its step's reductions and epilogues once, not once a
 * step. Parameters that change the loops (a pad's widths, a slice's extent) are in the key, so
 * kernels they tell apart are lowered apart.
 *
 * <p>One parameter is left out: the start of a slice that only offsets the addresses of the
 * values it reads from memory ({@link SliceShifts}: step {@code t} of the recurrence reading
 * {@code x[t]}, or computing {@code x + b} at row {@code t} alone). The key keeps, for each value
 * read from memory, which slice dimension shifts which of its dimensions; the copy is the
 * template's IR with each such buffer's addresses shifted by the difference of the two kernels'
 * flat offsets.
 */
final class KernelTemplates {
    /** A lowered kernel and its buffers in slot order (see {@link #slots}). */
    private record Template(Kernel kernel, List<BufferRef> slots, int[] offsets) {
    }

    /**
     * A kernel's structure ({@code parts}, compared) and, per slot read from memory, the flat offset
     * of the first slice start that {@code parts} leaves out (0 for a slot not read through such slices).
     */
    record Key(List<Object> parts, int[] offsets) {
    }

    /** A slice whose start only offsets addresses: its extent and strides. */
    private record ShiftingSlice(Ints extent, Ints strides) {
    }

    private final Map<List<Object>, Template> byKey = new HashMap<>();
    /** Each renamed loop kernel (epilogues included), by identity, to the loop kernel it renames. */
    private final Map<LoopKernel, LoopKernel> renamedFrom = new IdentityHashMap<>();

    /**
     * The structure of {@code k}: kind, shape, each equation's primitive and inputs (a literal, an
     * earlier equation of the kernel by position, or a value read from memory by its slot, type
     * and buffer kind), each output by position, and whether the root's result has a buffer of its
     * own; slice starts left out where they only offset addresses (see the class comment).
     * {@code buffers} gives the buffer of every value in memory, or null. Null for a kernel that is
     * not shared.
     */
    static Key key(FusedKernel k, Function<Var, BufferRef> buffers) {
        SliceShifts.Result shifts = SliceShifts.of(k);
        List<Object> key = new ArrayList<>();
        List<Integer> offsets = new ArrayList<>();
        key.add(k.kind());
        key.add(k.shape());
        Map<Var, Integer> defined = new IdentityHashMap<>();
        Map<Var, Integer> read = new IdentityHashMap<>();
        for (Equation eq : k.equations()) {
            key.add(shifts.abstracted().contains(eq) ? shifting((Slice) eq.primitive()) : eq.primitive());
            key.add(eq.inputs().size());
            for (Atom a : eq.inputs()) {
                if (a instanceof Literal l) {
                    key.add(l);
                } else {
                    Var v = (Var) a;
                    Integer local = defined.get(v);
                    if (local != null) {
                        key.add(local);
                    } else {
                        Integer slot = read.get(v);
                        if (slot == null) {
                            slot = read.size();
                            read.put(v, slot);
                            BufferRef b = buffers.apply(v);
                            key.add(v.type());
                            key.add(b == null ? null : b.kind());
                            int[] shift = shifts.slotShifts().get(v);
                            key.add(shift == null ? null : Ints.of(shift));
                            offsets.add(shift == null ? 0 : shifts.offset(v, k.equations()));
                        }
                        key.add(-1 - slot);
                    }
                }
            }
            key.add(eq.out().type());
            if (k.root() != null && eq.out() == k.root().out()) {
                key.add("root");
                key.add(buffers.apply(eq.out()) != null);
            }
            defined.put(eq.out(), defined.size());
        }
        key.add("outputs");
        for (Var o : k.outputs()) {
            Integer local = defined.get(o);
            if (local == null) {
                return null; // an output the kernel does not compute (an alias): not shared
            }
            key.add(local);
        }
        int[] offs = new int[offsets.size()];
        for (int i = 0; i < offs.length; i++) {
            offs[i] = offsets.get(i);
        }
        return new Key(key, offs);
    }

    private static ShiftingSlice shifting(Slice s) {
        int[] extent = new int[s.start().size()];
        for (int d = 0; d < extent.length; d++) {
            extent[d] = s.limit().get(d) - s.start().get(d);
        }
        return new ShiftingSlice(Ints.of(extent), s.strides());
    }

    /**
     * The buffers of {@code k} in slot order: the values it reads from memory in order of first
     * reading (equations are in graph order, so a value not yet defined in the kernel is read from
     * memory), then its outputs; null for a value without a buffer.
     */
    static List<BufferRef> slots(FusedKernel k, Function<Var, BufferRef> buffers) {
        List<BufferRef> slots = new ArrayList<>();
        Map<Var, Boolean> seen = new IdentityHashMap<>();
        for (Equation eq : k.equations()) {
            for (Atom a : eq.inputs()) {
                if (a instanceof Var v && seen.putIfAbsent(v, true) == null) {
                    slots.add(buffers.apply(v));
                }
            }
            seen.put(eq.out(), true);
        }
        for (Var o : k.outputs()) {
            slots.add(buffers.apply(o));
        }
        return slots;
    }

    /**
     * The kernel lowered for {@code key} with its buffers renamed to {@code slots} (the kernel's
     * own, without scratch) and their addresses shifted by the difference of the slots' offsets,
     * or null. The template's scratch buffer, if any, is replaced by {@code scratch} of its type.
     */
    Kernel lookup(Key key, List<BufferRef> slots, String name, Equation root,
                  Function<TensorType, BufferRef> scratch) {
        Template t = key == null ? null : byKey.get(key.parts());
        if (t == null || t.slots().size() < slots.size() || t.slots().size() > slots.size() + 1) {
            return null;
        }
        Map<BufferRef, BufferRef> renaming = new HashMap<>(), back = new HashMap<>();
        for (int i = 0; i < slots.size(); i++) {
            BufferRef from = t.slots().get(i), to = slots.get(i);
            BufferRef was = renaming.putIfAbsent(from, to), wasBack = back.putIfAbsent(to, from);
            if ((was != null && !was.equals(to)) || (wasBack != null && !wasBack.equals(from))) {
                return null; // the two kernels' buffers coincide differently: lower afresh
            }
        }
        Map<BufferRef, Integer> shift = Map.of();
        for (int i = 0; i < key.offsets().length; i++) {
            int delta = key.offsets()[i] - t.offsets()[i];
            if (delta != 0) {
                if (shift.isEmpty()) {
                    shift = new HashMap<>();
                }
                shift.put(slots.get(i), delta);
            }
        }
        if (t.slots().size() > slots.size()) {
            // Made only once the kernel is known to be shared, so no unused scratch buffer is left behind.
            BufferRef own = t.slots().getLast();
            renaming.put(own, scratch.apply(own.type()));
        }
        return renamed(t.kernel(), renaming, shift, name, root);
    }

    /**
     * Keeps {@code kernel} for {@code key}, with its buffers {@code slots} and its scratch buffers,
     * if those name every buffer it touches (so that renaming them is complete) and it has at
     * most one scratch buffer (the library result {@link #lookup} knows how to make).
     */
    void remember(Key key, Kernel kernel, List<BufferRef> slots) {
        if (key == null || byKey.containsKey(key.parts()) || slots.contains(null)) {
            return;
        }
        List<BufferRef> all = new ArrayList<>(slots);
        if (kernel instanceof LibraryKernel lib) {
            if (lib.scratch().size() > 1) {
                return;
            }
            all.addAll(lib.scratch());
        }
        if (new HashSet<>(all).containsAll(touches(kernel))) {
            byKey.put(key.parts(), new Template(kernel, List.copyOf(all), key.offsets()));
        }
    }

    /** Every buffer {@code k} touches: a loop kernel's reads and writes are those of its body. */
    private static List<BufferRef> touches(Kernel k) {
        List<BufferRef> all = new ArrayList<>();
        switch (k) {
            case LoopKernel l -> touches(l, all);
            case LibraryKernel lib -> {
                all.addAll(lib.operands());
                all.add(lib.result());
                all.addAll(lib.scratch());
                if (lib.epilogue() != null) {
                    touches(lib.epilogue(), all);
                }
            }
            case AliasKernel a -> all.add(null);
        }
        return all;
    }

    private static void touches(LoopKernel l, List<BufferRef> all) {
        all.addAll(l.reads());
        all.addAll(l.writes());
        all.addAll(l.scratch());
    }

    /** Each loop kernel {@link #lookup} returned (or the epilogue of one), by identity, to the template's it renames. */
    Map<LoopKernel, LoopKernel> renamedFrom() {
        return java.util.Collections.unmodifiableMap(renamedFrom);
    }

    private Kernel renamed(Kernel k, Map<BufferRef, BufferRef> m, Map<BufferRef, Integer> shift, String name, Equation root) {
        return switch (k) {
            case LoopKernel l -> renamed(l, m, shift, name);
            case LibraryKernel lib -> new LibraryKernel(name, root, map(lib.operands(), m), map(lib.result(), m),
                    lib.epilogue() == null ? null : renamed(lib.epilogue(), m, shift, name + "_epilogue"), map(lib.scratch(), m));
            case AliasKernel a -> throw new IllegalStateException("aliases are not shared: " + a.name());
        };
    }

    private LoopKernel renamed(LoopKernel l, Map<BufferRef, BufferRef> m, Map<BufferRef, Integer> shift, String name) {
        List<BufferRef> reads = map(l.reads(), m), writes = map(l.writes(), m);
        List<Stmt> body = KernelWalk.mapBuffers(l.body(), b -> map(b, m));
        List<LoopKernel.InPlace> inPlace;
        if (shift.isEmpty()) {
            inPlace = new ArrayList<>(l.inPlace().size());
            for (LoopKernel.InPlace p : l.inPlace()) {
                inPlace.add(new LoopKernel.InPlace(map(p.read(), m), map(p.written(), m)));
            }
        } else {
            body = KernelWalk.mapAccesses(body, (b, i) -> i.plus(shift.getOrDefault(b, 0)));
            // Whether a buffer is read exactly where another is written depends on the offsets.
            inPlace = InPlaceAnalysis.of(body, reads, writes);
        }
        LoopKernel out = new LoopKernel(name, reads, writes, map(l.scratch(), m), body, inPlace);
        renamedFrom.put(out, l);
        return out;
    }

    private static List<BufferRef> map(List<BufferRef> bs, Map<BufferRef, BufferRef> m) {
        List<BufferRef> out = new ArrayList<>(bs.size());
        for (BufferRef b : bs) {
            out.add(map(b, m));
        }
        return out;
    }

    private static BufferRef map(BufferRef b, Map<BufferRef, BufferRef> m) {
        BufferRef to = m.get(b);
        if (to == null) {
            throw new IllegalStateException("buffer " + b + " of a shared kernel has no counterpart");
        }
        return to;
    }
}
