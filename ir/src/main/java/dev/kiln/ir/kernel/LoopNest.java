package dev.kiln.ir.kernel;

import java.util.ArrayList;
import java.util.List;

/**
 * A perfect nest of loops being filled with statements: level 0 is the kernel entry, level k the
 * body of the k-th loop. Each level has statements before its inner loop and statements after it
 * (a reduction's epilogue runs after the reduced loops). {@link #assemble} builds the nest.
 */
final class LoopNest {
    private final List<LoopVar> vars;
    private final List<List<Stmt>> before = new ArrayList<>();
    private final List<List<Stmt>> after = new ArrayList<>();
    private final int parallelLevels;
    private final LoopVar contiguous;

    /**
     * @param parallelLevels how many outer loops have independent iterations (only the outermost is
     *                       marked parallel; the others may be collapsed into it)
     */
    LoopNest(List<LoopVar> vars, int parallelLevels, LoopVar contiguous) {
        this.vars = List.copyOf(vars);
        this.parallelLevels = parallelLevels;
        this.contiguous = contiguous;
        for (int i = 0; i <= vars.size(); i++) {
            before.add(new ArrayList<>());
            after.add(new ArrayList<>());
        }
    }

    int depth() {
        return vars.size();
    }

    /** The level at which every loop variable of {@code idx} is defined. */
    int level(Idx idx) {
        int l = 0;
        for (LoopVar v : idx.loopVars()) {
            l = Math.max(l, vars.indexOf(v) + 1);
        }
        return l;
    }

    List<Stmt> before(int level) {
        return before.get(level);
    }

    List<Stmt> after(int level) {
        return after.get(level);
    }

    List<Stmt> assemble() {
        List<Stmt> body = new ArrayList<>(before.get(vars.size()));
        body.addAll(after.get(vars.size()));
        for (int k = vars.size() - 1; k >= 0; k--) {
            LoopVar v = vars.get(k);
            Stmt.Loop loop = new Stmt.Loop(v, k == 0 && parallelLevels > 0, v.equals(contiguous), body);
            body = new ArrayList<>(before.get(k));
            body.add(loop);
            body.addAll(after.get(k));
        }
        return body;
    }
}
