package dev.kiln.ir.device;

import dev.kiln.ir.kernel.Expr;
import dev.kiln.ir.kernel.KernelWalk;
import dev.kiln.ir.kernel.Local;
import dev.kiln.ir.kernel.LoopKernel;
import dev.kiln.ir.kernel.ReduceOp;
import dev.kiln.ir.kernel.Stmt;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a loop kernel maps onto a data-parallel device (a GPU grid, an OpenCL NDRange), decided
 * once for every GPU backend:
 *
 * <ul>
 *   <li>{@code GRID}: each top-level parallel loop becomes a grid-stride loop over all threads;
 *       every other statement runs sequentially inside an iteration;</li>
 *   <li>{@code GROUP}: work-groups (thread blocks) stride over the parallel loops, and the threads
 *       of a group split each reduction loop between them, combine their partial accumulators in
 *       on-chip memory with a tree and all continue with the combined value; only thread 0 of a
 *       group stores. Chosen when the reductions are long and the parallel loops short (a norm,
 *       a loss, a row-wise max of few long rows), where one thread per kept element starves the device;</li>
 *   <li>{@code SERIAL}: no parallel loop and nothing worth splitting: one thread runs the body.</li>
 * </ul>
 *
 * Statements outside the parallel loops run redundantly on every thread (they only compute values
 * from constants and rank-0 buffers); their stores are made by thread 0 alone.
 */
public final class LoopMapping {
    /** Below this many iterations a reduction loop is not worth splitting across a group. */
    public static final int MIN_GROUP_REDUCTION = 64;
    /** Above this many kept elements one thread per element already fills the device. */
    public static final int MAX_GROUP_KEPT = 1 << 16;

    public enum Mode {
        SERIAL, GRID, GROUP
    }

    /** What a reduction loop combines across the threads of a group. */
    public sealed interface Combine {
    }

    /** {@code acc} folded with {@code op} (sum or NaN-propagating max). */
    public record Fold(Local acc, ReduceOp op) implements Combine {
    }

    /** The first maximum: {@code best} and its position {@code index}, as {@link Stmt.ArgMaxUpdate} keeps them. */
    public record ArgMaxFold(Local best, Local index) implements Combine {
    }

    private final Mode mode;
    private final List<Stmt.Loop> gridLoops;
    private final int gridExtent;
    private final Map<Stmt.Loop, List<Combine>> reductions;

    private LoopMapping(Mode mode, List<Stmt.Loop> gridLoops, int gridExtent, Map<Stmt.Loop, List<Combine>> reductions) {
        this.mode = mode;
        this.gridLoops = List.copyOf(gridLoops);
        this.gridExtent = gridExtent;
        this.reductions = reductions;
    }

    public static LoopMapping of(LoopKernel k) {
        return of(k.body());
    }

    public static LoopMapping of(List<Stmt> body) {
        List<Stmt.Loop> grid = new ArrayList<>();
        int extent = 1;
        for (Stmt s : body) {
            if (s instanceof Stmt.Loop l && l.parallel()) {
                grid.add(l);
                extent = Math.max(extent, l.var().extent());
            }
        }
        Map<Stmt.Loop, List<Combine>> found = new IdentityHashMap<>();
        boolean allEligible = findReductions(body, body, found);
        int longest = 0;
        for (Stmt.Loop r : found.keySet()) {
            longest = Math.max(longest, r.var().extent());
        }
        if (allEligible && !found.isEmpty() && longest >= MIN_GROUP_REDUCTION && extent <= MAX_GROUP_KEPT) {
            return new LoopMapping(Mode.GROUP, grid, extent, found);
        }
        return new LoopMapping(grid.isEmpty() ? Mode.SERIAL : Mode.GRID, grid, extent, new IdentityHashMap<>());
    }

    public Mode mode() {
        return mode;
    }

    /** The top-level parallel loops, strided over threads ({@code GRID}) or groups ({@code GROUP}). */
    public List<Stmt.Loop> gridLoops() {
        return gridLoops;
    }

    public boolean isGridLoop(Stmt.Loop l) {
        for (Stmt.Loop g : gridLoops) {
            if (g == l) {
                return true;
            }
        }
        return false;
    }

    /** The largest extent of the parallel loops (1 when there are none): how many threads or groups are useful. */
    public int gridExtent() {
        return gridExtent;
    }

    /** The reduction loops split across a group's threads ({@code GROUP} mode), outermost ones only. */
    public Set<Stmt.Loop> reductionLoops() {
        Set<Stmt.Loop> s = Collections.newSetFromMap(new IdentityHashMap<>());
        s.addAll(reductions.keySet());
        return s;
    }

    /** The accumulators reduction loop {@code l} combines, or null when it is not split. */
    public List<Combine> combines(Stmt.Loop l) {
        return reductions.get(l);
    }

    /** Every accumulator of every split reduction loop, each once (they need on-chip scratch). */
    public List<Combine> allCombines() {
        List<Combine> all = new ArrayList<>();
        for (List<Combine> cs : reductions.values()) {
            for (Combine c : cs) {
                if (!all.contains(c)) {
                    all.add(c);
                }
            }
        }
        return all;
    }

    // ---- analysis ----

    /**
     * Collects the outermost loops of {@code stmts} that update accumulators; returns false when
     * one of them cannot be split across threads.
     */
    private static boolean findReductions(List<Stmt> stmts, List<Stmt> kernel, Map<Stmt.Loop, List<Combine>> out) {
        boolean ok = true;
        for (Stmt s : stmts) {
            switch (s) {
                case Stmt.Loop l -> {
                    if (updatesAccumulator(l)) {
                        List<Combine> cs = splittable(l, kernel);
                        if (cs == null) {
                            ok = false;
                        } else {
                            out.put(l, cs);
                        }
                    } else {
                        ok &= findReductions(l.body(), kernel, out);
                    }
                }
                case Stmt.If i -> {
                    ok &= findReductions(i.then(), kernel, out);
                    ok &= findReductions(i.otherwise(), kernel, out);
                }
                case Stmt.Accumulate a -> ok = false; // an update outside any loop: nothing to split
                case Stmt.ArgMaxUpdate a -> ok = false;
                default -> {
                }
            }
        }
        return ok;
    }

    /** Whether {@code l} updates an accumulator initialised outside it: then {@code l} is a reduction loop. */
    private static boolean updatesAccumulator(Stmt.Loop l) {
        Set<Local> updated = new HashSet<>(), assigned = new HashSet<>();
        walk(l.body(), s -> {
            switch (s) {
                case Stmt.Accumulate a -> updated.add(a.acc());
                case Stmt.ArgMaxUpdate a -> updated.add(a.best());
                case Stmt.Assign a -> assigned.add(a.local());
                default -> {
                }
            }
        });
        updated.removeAll(assigned);
        return !updated.isEmpty();
    }

    /**
     * The combines of reduction loop {@code r}, or null when splitting it would change the result:
     * it stores, an accumulator is assigned inside it or read other than by its own update, an
     * accumulator is folded with two operations, or a value computed inside is read outside.
     */
    private static List<Combine> splittable(Stmt.Loop r, List<Stmt> kernel) {
        Map<Local, Combine> combines = new LinkedHashMap<>();
        Set<Local> assignedInside = new HashSet<>();
        boolean[] ok = {true};
        walk(r.body(), s -> {
            switch (s) {
                case Stmt.Store st -> ok[0] = false;
                case Stmt.Assign a -> assignedInside.add(a.local());
                case Stmt.Accumulate a -> {
                    Combine c = new Fold(a.acc(), a.op());
                    Combine prev = combines.putIfAbsent(a.acc(), c);
                    ok[0] &= prev == null || prev.equals(c);
                    ok[0] &= !reads(a.value(), a.acc());
                }
                case Stmt.ArgMaxUpdate a -> {
                    Combine c = new ArgMaxFold(a.best(), a.bestIndex());
                    Combine prev = combines.putIfAbsent(a.best(), c);
                    ok[0] &= prev == null || prev.equals(c);
                    ok[0] &= combines.putIfAbsent(a.bestIndex(), c) == null || combines.get(a.bestIndex()).equals(c);
                    ok[0] &= !reads(a.value(), a.best()) && !reads(a.value(), a.bestIndex());
                }
                default -> {
                }
            }
        });
        for (Local acc : combines.keySet()) {
            ok[0] &= !assignedInside.contains(acc);
        }
        // Plain assignments inside r are per-thread temporaries: nothing outside may read them.
        Set<Local> readOutside = new HashSet<>();
        collectReadsOutside(kernel, r, readOutside);
        for (Local l : assignedInside) {
            ok[0] &= !readOutside.contains(l);
        }
        if (!ok[0]) {
            return null;
        }
        List<Combine> out = new ArrayList<>();
        for (Combine c : combines.values()) {
            if (!out.contains(c)) {
                out.add(c);
            }
        }
        return out;
    }

    private static boolean reads(Expr e, Local l) {
        boolean[] found = {false};
        KernelWalk.expr(e, x -> found[0] |= x instanceof Expr.Read rd && rd.local().equals(l));
        return found[0];
    }

    private static void collectReadsOutside(List<Stmt> stmts, Stmt.Loop skip, Set<Local> out) {
        for (Stmt s : stmts) {
            if (s == skip) {
                continue;
            }
            switch (s) {
                case Stmt.Loop l -> collectReadsOutside(l.body(), skip, out);
                case Stmt.If i -> {
                    collectReadsOutside(i.then(), skip, out);
                    collectReadsOutside(i.otherwise(), skip, out);
                }
                default -> KernelWalk.exprs(List.of(s), e -> {
                    if (e instanceof Expr.Read rd) {
                        out.add(rd.local());
                    }
                });
            }
        }
    }

    private static void walk(List<Stmt> stmts, java.util.function.Consumer<Stmt> f) {
        for (Stmt s : stmts) {
            f.accept(s);
            switch (s) {
                case Stmt.Loop l -> walk(l.body(), f);
                case Stmt.If i -> {
                    walk(i.then(), f);
                    walk(i.otherwise(), f);
                }
                default -> {
                }
            }
        }
    }
}
