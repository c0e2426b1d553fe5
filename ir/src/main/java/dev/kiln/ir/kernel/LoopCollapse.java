package dev.kiln.ir.kernel;

import java.util.ArrayList;
import java.util.List;

/**
 * Merges a loop with the loop nested directly inside it when every index expression uses the two
 * variables only as {@code outer*extent + inner} (up to a common factor): an elementwise kernel
 * over {@code [64,32,10]} becomes one loop of 20480, which vectorises and splits across cores
 * far better than three short ones. A broadcast operand ({@code [10] -> [64,10]}) keeps the loops
 * apart, since its index is {@code inner} alone.
 */
public final class LoopCollapse {
    private static int nextId = 1_000_000;

    private LoopCollapse() {
    }

    public static List<Stmt> apply(List<Stmt> body) {
        List<Stmt> out = new ArrayList<>(body.size());
        for (Stmt s : body) {
            out.add(s instanceof Stmt.Loop l ? collapse(l) : s);
        }
        return out;
    }

    private static Stmt collapse(Stmt.Loop outer) {
        Stmt.Loop l = outer;
        while (l.body().size() == 1 && l.body().getFirst() instanceof Stmt.Loop inner) {
            Stmt.Loop merged = tryMerge(l, inner);
            if (merged == null) {
                break;
            }
            l = merged;
        }
        return new Stmt.Loop(l.var(), l.parallel(), l.contiguous(), apply(l.body()));
    }

    private static Stmt.Loop tryMerge(Stmt.Loop outer, Stmt.Loop inner) {
        long extent = (long) outer.var().extent() * inner.var().extent();
        if (extent > Integer.MAX_VALUE || inner.var().extent() == 0) {
            return null;
        }
        LoopVar f = new LoopVar(fresh(), outer.var().name() + inner.var().name(), (int) extent);
        Idx q = Idx.of(f).div(inner.var().extent()), r = Idx.of(f).mod(inner.var().extent());
        boolean[] clean = {true};
        List<Stmt> body = KernelWalk.mapIndices(inner.body(), idx -> {
            Idx m = idx.substitute(outer.var(), q).substitute(inner.var(), r);
            if (!m.affineIn(f)) {
                clean[0] = false;
            }
            return m;
        });
        if (!clean[0]) {
            return null;
        }
        return new Stmt.Loop(f, outer.parallel(), inner.contiguous(), body);
    }

    private static synchronized int fresh() {
        return nextId++;
    }
}
