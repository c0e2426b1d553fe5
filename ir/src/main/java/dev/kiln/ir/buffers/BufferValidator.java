package dev.kiln.ir.buffers;

import dev.kiln.ir.kernel.AliasKernel;
import dev.kiln.ir.kernel.BufferRef;
import dev.kiln.ir.kernel.Kernel;
import dev.kiln.ir.kernel.KernelProgram;
import java.util.ArrayList;
import java.util.List;

/**
 * Proves a buffer plan safe, independently of how it was made: no two storages (in an arena, or
 * in a graph output's array) that are live at the same step share memory (except an in-place pair at the one step where the input
 * dies and the output is born), every slot lies inside its arena, and every kernel reads only
 * buffers that exist by then. Cheap (quadratic in storages), so the compiler runs it on every plan.
 */
public final class BufferValidator {
    private BufferValidator() {
    }

    /** The problems found; empty when the plan is safe. */
    public static List<String> problems(BufferPlan plan) {
        List<String> out = new ArrayList<>();
        List<Storage> arena = plan.storages().stream().filter(Storage::inArena).toList();
        List<Storage> computed = plan.storages().stream().filter(s -> s.placement() != null
                && (s.inArena() || s.placement().where() == Placement.Where.OUTPUT)).toList();
        for (Storage s : arena) {
            Placement p = s.placement();
            if (p.offset() < 0 || p.end() > plan.arenaSize(p.dtype()) || p.size() < s.root().size()) {
                out.add(s + ": slot " + p + " does not fit " + s.root().size() + " elements in arena of " + plan.arenaSize(p.dtype()));
            }
        }
        for (int i = 0; i < computed.size(); i++) {
            for (int j = i + 1; j < computed.size(); j++) {
                Storage a = computed.get(i), b = computed.get(j);
                if (sameMemory(a.placement(), b.placement()) && overlaps(a.placement(), b.placement())
                        && liveTogether(a, b) && !inPlacePair(plan, a, b)) {
                    out.add(a + " (live " + a.def() + ".." + a.lastUse() + ", " + a.placement() + ") and " + b + " (live "
                            + b.def() + ".." + b.lastUse() + ", " + b.placement() + ") share memory while both are live");
                }
            }
        }
        checkReadsAfterWrites(plan, out);
        return out;
    }

    /** Throws {@link IllegalStateException} listing the problems, if any. */
    public static void check(BufferPlan plan) {
        List<String> p = problems(plan);
        if (!p.isEmpty()) {
            throw new IllegalStateException("kiln: invalid buffer plan:\n  " + String.join("\n  ", p));
        }
    }

    /** Both in one arena, or both in one output array. */
    private static boolean sameMemory(Placement a, Placement b) {
        return a.where() == b.where() && a.dtype() == b.dtype() && (a.where() == Placement.Where.ARENA || a.index() == b.index());
    }

    private static boolean overlaps(Placement a, Placement b) {
        return a.offset() < b.end() && b.offset() < a.end();
    }

    /** Live intervals meet; a graph output lives to the end of the run, whatever reads it last. */
    private static boolean liveTogether(Storage a, Storage b) {
        int aEnd = a.isGraphOutput() ? Integer.MAX_VALUE : a.lastUse(), bEnd = b.isGraphOutput() ? Integer.MAX_VALUE : b.lastUse();
        return a.def() <= bEnd && b.def() <= aEnd;
    }

    private static boolean inPlacePair(BufferPlan plan, Storage a, Storage b) {
        for (BufferPlan.InPlaceUse u : plan.inPlace()) {
            Storage r = plan.storageOf().get(u.read()), w = plan.storageOf().get(u.written());
            if ((r == a && w == b) || (r == b && w == a)) {
                return r.lastUse() == u.step() && w.def() == u.step();
            }
        }
        return false;
    }

    private static void checkReadsAfterWrites(BufferPlan plan, List<String> out) {
        KernelProgram p = plan.program();
        for (int t = 0; t < p.kernels().size(); t++) {
            Kernel k = p.kernels().get(t);
            for (BufferRef b : k.reads()) {
                Storage s = plan.storageOf().get(b);
                boolean ok = s.def() < t || (k instanceof AliasKernel && s.def() <= t);
                if (!ok) {
                    out.add(k.name() + " (step " + t + ") reads " + b + " before it is written (step " + s.def() + ")");
                }
            }
        }
    }
}
