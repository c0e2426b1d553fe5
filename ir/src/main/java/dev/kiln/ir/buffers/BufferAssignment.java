package dev.kiln.ir.buffers;

import dev.kiln.ir.Atom;
import dev.kiln.ir.DType;
import dev.kiln.ir.Literal;
import dev.kiln.ir.Var;
import dev.kiln.ir.kernel.AliasKernel;
import dev.kiln.ir.kernel.BufferRef;
import dev.kiln.ir.kernel.Kernel;
import dev.kiln.ir.kernel.KernelProgram;
import dev.kiln.ir.kernel.LibraryKernel;
import dev.kiln.ir.kernel.LoopKernel;
import dev.kiln.ir.prim.ScatterAdd;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Places every buffer of a kernel program. Graph inputs and constants stay in their own arrays,
 * graph outputs get fresh arrays, reshapes share their operand's memory, and every other value
 * (and kernel scratch) gets a slot in one arena per dtype: slots are allocated in schedule order,
 * best fit among the free ones, freed after their last reader, and an elementwise kernel's output
 * takes over the slot of an input that dies in that kernel (in place). With reuse off every value
 * gets a slot of its own.
 */
public final class BufferAssignment {
    /** Slots start on 64-byte boundaries, so vector loads of a slot's first elements are aligned. */
    static final int ALIGN_BYTES = 64;

    /**
     * How to place buffers.
     *
     * @param reuse          share slots between values whose lifetimes do not overlap, and update in place
     * @param scatterInPlace let scatter_add's result take over its operand's slot when the operand
     *                       dies there; only for backends whose scatter kernel allows it
     */
    public record Options(boolean reuse, boolean scatterInPlace) {
        public static Options of(boolean reuse) {
            return new Options(reuse, false);
        }
    }

    private final KernelProgram program;
    private final boolean reuse;
    private final boolean scatterInPlace;
    private final Map<BufferRef, BufferRef> parent = new IdentityHashMap<>();
    private final Map<BufferRef, Storage> storageOf = new LinkedHashMap<>();
    private final List<BufferPlan.InPlaceUse> inPlace = new ArrayList<>();
    private final Map<DType, Arena> arenas = new EnumMap<>(DType.class);

    private BufferAssignment(KernelProgram program, Options options) {
        this.program = program;
        this.reuse = options.reuse();
        this.scatterInPlace = options.scatterInPlace() && options.reuse();
    }

    public static BufferPlan assign(KernelProgram program, boolean reuse) {
        return assign(program, Options.of(reuse));
    }

    public static BufferPlan assign(KernelProgram program, Options options) {
        return new BufferAssignment(program, options).run();
    }

    private BufferPlan run() {
        buildStorages();
        computeLiveness();
        placeExternal();
        List<OutputBinding> outputs = bindOutputs();
        placeArenas();
        Map<BufferRef, Placement> placements = new LinkedHashMap<>();
        for (BufferRef b : program.buffers()) {
            placements.put(b, storageOf.get(b).placement);
        }
        Map<DType, Integer> sizes = new EnumMap<>(DType.class);
        arenas.forEach((d, a) -> sizes.put(d, a.size));
        List<Storage> storages = storageOf.values().stream().distinct().toList();
        return new BufferPlan(program, reuse, placements, storages, storageOf, sizes, outputs, inPlace);
    }

    // ---- storages and liveness ----

    private BufferRef root(BufferRef b) {
        BufferRef p = parent.get(b);
        return p == null ? b : root(p);
    }

    private void buildStorages() {
        for (Kernel k : program.kernels()) {
            if (k instanceof AliasKernel a) {
                parent.put(a.target(), root(a.source()));
            }
        }
        Map<BufferRef, Storage> byRoot = new IdentityHashMap<>();
        for (BufferRef b : program.buffers()) {
            Storage s = byRoot.computeIfAbsent(root(b), Storage::new);
            s.add(b);
            storageOf.put(b, s);
        }
    }

    private void computeLiveness() {
        List<Kernel> ks = program.kernels();
        for (int t = 0; t < ks.size(); t++) {
            Kernel k = ks.get(t);
            for (BufferRef b : k.reads()) {
                Storage s = storageOf.get(b);
                s.lastUse = Math.max(s.lastUse, t);
            }
            if (!(k instanceof AliasKernel)) {
                for (BufferRef b : k.writes()) {
                    Storage s = storageOf.get(b);
                    s.def = Math.min(s.def, t);
                    s.lastUse = Math.max(s.lastUse, t);
                }
            }
            for (BufferRef b : k.scratch()) {
                Storage s = storageOf.get(b);
                s.def = Math.min(s.def, t);
                s.lastUse = Math.max(s.lastUse, t);
            }
        }
    }

    private void placeExternal() {
        List<BufferRef> in = program.inputs(), cs = program.constants();
        for (int i = 0; i < in.size(); i++) {
            Storage s = storageOf.get(in.get(i));
            s.placement = Placement.external(Placement.Where.INPUT, in.get(i).dtype(), i, in.get(i).size());
            s.def = -1;
        }
        for (int i = 0; i < cs.size(); i++) {
            Storage s = storageOf.get(cs.get(i));
            s.placement = Placement.external(Placement.Where.CONSTANT, cs.get(i).dtype(), i, cs.get(i).size());
            s.def = -1;
        }
    }

    /** The first graph output held by a computed storage owns it (a fresh array); the rest are copies. */
    private List<OutputBinding> bindOutputs() {
        List<Atom> outs = program.outputs();
        List<OutputBinding> bindings = new ArrayList<>();
        List<Storage> copiedFrom = new ArrayList<>();
        for (int i = 0; i < outs.size(); i++) {
            Atom a = outs.get(i);
            if (a instanceof Literal l) {
                bindings.add(new OutputBinding(OutputBinding.Kind.FILL, l.type(), null, l));
                copiedFrom.add(null);
                continue;
            }
            Storage s = storageOf.get(program.buffer((Var) a));
            if (s.placement == null) {
                s.placement = Placement.external(Placement.Where.OUTPUT, s.root().dtype(), i, s.root().size());
                s.graphOutput = true;
                bindings.add(new OutputBinding(OutputBinding.Kind.OWNED, a.type(), s.placement, null));
                copiedFrom.add(null);
            } else {
                bindings.add(null);
                copiedFrom.add(s);
            }
        }
        for (int i = 0; i < outs.size(); i++) {
            if (bindings.get(i) == null) {
                Storage s = copiedFrom.get(i);
                bindings.set(i, new OutputBinding(OutputBinding.Kind.COPY, outs.get(i).type(), s.placement, null));
            }
        }
        return bindings;
    }

    // ---- arenas ----

    /**
     * A value that dies in the kernel writing a graph output in place can live in that output's
     * array from the start: the array is the output's only from that step on. Steps are visited
     * last first, so chains of such values all land in the output array.
     */
    private void placeInOutputs() {
        List<Kernel> ks = program.kernels();
        for (int t = ks.size() - 1; t >= 0; t--) {
            List<Storage> receivers = new ArrayList<>();
            for (LoopKernel.InPlace ip : inPlaceCandidates(ks.get(t))) {
                Storage r = storageOf.get(ip.read()), w = storageOf.get(ip.written());
                if (r != w && r.placement == null && w.placement != null && w.placement.where() == Placement.Where.OUTPUT
                        && w.def == t && r.lastUse == t && r.def >= 0 && r.def < t && !receivers.contains(w)
                        && r.root().size() == w.root().size() && r.root().dtype() == w.root().dtype()) {
                    r.placement = w.placement;
                    receivers.add(w);
                    inPlace.add(new BufferPlan.InPlaceUse(t, ip.read(), ip.written()));
                }
            }
        }
    }

    private void placeArenas() {
        if (reuse) {
            placeInOutputs();
        }
        List<Storage> pending = storageOf.values().stream().distinct().filter(s -> s.placement == null)
                .sorted(Comparator.comparingInt(Storage::def)).toList();
        List<Kernel> ks = program.kernels();
        int next = 0;
        for (int t = 0; t < ks.size(); t++) {
            List<Storage> donated = new ArrayList<>();
            if (reuse) {
                for (LoopKernel.InPlace ip : inPlaceCandidates(ks.get(t))) {
                    Storage r = storageOf.get(ip.read()), w = storageOf.get(ip.written());
                    if (r != w && r.inArena() && w.placement == null && r.lastUse == t && w.def == t
                            && !donated.contains(r) && r.placement.size() >= aligned(w.root())) {
                        w.placement = r.placement;
                        donated.add(r);
                        inPlace.add(new BufferPlan.InPlaceUse(t, ip.read(), ip.written()));
                    }
                }
            }
            while (next < pending.size() && pending.get(next).def == t) {
                Storage s = pending.get(next++);
                if (s.placement == null) {
                    s.placement = arena(s.root().dtype()).allocate(aligned(s.root()), s.root().size());
                }
            }
            if (reuse) {
                for (Storage s : storageOf.values().stream().distinct().toList()) {
                    if (s.inArena() && s.lastUse == t && !donated.contains(s) && !isReceiver(s, t)) {
                        arena(s.root().dtype()).free(s.placement);
                    }
                }
                for (Storage r : donated) {
                    // The block now belongs to the in-place output; free it when that one dies here too.
                    Storage w = receiverOf(r, t);
                    if (w != null && w.lastUse == t) {
                        arena(w.root().dtype()).free(w.placement);
                    }
                }
            }
        }
        for (Storage s : pending) {
            if (s.placement == null) {
                // Never written by any kernel (cannot happen for a valid program); give it memory anyway.
                s.placement = arena(s.root().dtype()).allocate(aligned(s.root()), s.root().size());
            }
        }
    }

    private boolean isReceiver(Storage s, int t) {
        for (BufferPlan.InPlaceUse u : inPlace) {
            if (u.step() == t && storageOf.get(u.written()) == s) {
                return true;
            }
        }
        return false;
    }

    private Storage receiverOf(Storage r, int t) {
        for (BufferPlan.InPlaceUse u : inPlace) {
            if (u.step() == t && storageOf.get(u.read()) == r) {
                return storageOf.get(u.written());
            }
        }
        return null;
    }

    /**
     * In-place pairs a kernel allows. A library routine writes its result before its epilogue
     * reads, so that result is excluded from the epilogue's pairs; scatter_add may update its
     * operand in place (when the backend says so and the epilogue does not read the operand).
     */
    private List<LoopKernel.InPlace> inPlaceCandidates(Kernel k) {
        return switch (k) {
            case LoopKernel l -> l.inPlace();
            case LibraryKernel lib -> {
                List<LoopKernel.InPlace> out = new ArrayList<>();
                BufferRef operand = lib.operands().getFirst();
                // The operand must not also be the indices or the updates: those are read while
                // the result (the operand's slot, in place) is being written.
                if (scatterInPlace && lib.equation().primitive() instanceof ScatterAdd
                        && lib.result().kind() == BufferRef.Kind.VALUE
                        && lib.operands().lastIndexOf(operand) == 0
                        && (lib.epilogue() == null || !lib.epilogue().reads().contains(operand))) {
                    out.add(new LoopKernel.InPlace(operand, lib.result()));
                }
                if (lib.epilogue() != null) {
                    lib.epilogue().inPlace().stream().filter(ip -> !ip.written().equals(lib.result())
                            && !lib.operands().contains(ip.written())).forEach(out::add);
                }
                yield out;
            }
            case AliasKernel a -> List.of();
        };
    }

    private Arena arena(DType d) {
        return arenas.computeIfAbsent(d, x -> new Arena(x, reuse));
    }

    /** The buffer's size rounded up to whole 64-byte lines. */
    static int aligned(BufferRef b) {
        int per = Math.max(1, ALIGN_BYTES / b.dtype().byteSize());
        long n = ((long) b.size() + per - 1) / per * per;
        return (int) Math.max(n, per);
    }
}
