package dev.kiln.ir.fusion;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A topological order of a growing DAG, kept up to date as edges are added (Pearce and Kelly,
 * "A dynamic topological sort algorithm for directed acyclic graphs", 2006). An edge that agrees
 * with the order costs nothing; otherwise only the nodes ordered between its ends are searched,
 * and reordered when no cycle is found. The fuser asks it whether a fusion would make kernels
 * wait on each other.
 */
final class DynamicOrder<N> {
    private final Map<N, Integer> ord = new IdentityHashMap<>();
    private int lowest;

    /** Places a node with no predecessors before every other node. */
    void addFirst(N n) {
        ord.put(n, --lowest);
    }

    /**
     * Accepts the edge {@code a -> b}, already present in the graph that {@code successors} and
     * {@code predecessors} describe, reordering as needed; returns false if it closes a cycle
     * (the order is then unchanged).
     */
    boolean addEdge(N a, N b, Function<N, List<N>> successors, Function<N, List<N>> predecessors) {
        int ub = ord.get(a), lb = ord.get(b);
        if (lb > ub) {
            return true;
        }
        List<N> forward = new ArrayList<>();
        if (!search(b, a, ub, true, successors, forward)) {
            return false;
        }
        List<N> backward = new ArrayList<>();
        search(a, null, lb, false, predecessors, backward);
        Comparator<N> byOrd = Comparator.comparingInt(ord::get);
        forward.sort(byOrd);
        backward.sort(byOrd);
        List<Integer> slots = new ArrayList<>();
        for (N n : backward) {
            slots.add(ord.get(n));
        }
        for (N n : forward) {
            slots.add(ord.get(n));
        }
        Collections.sort(slots);
        int i = 0;
        for (N n : backward) {
            ord.put(n, slots.get(i++));
        }
        for (N n : forward) {
            ord.put(n, slots.get(i++));
        }
        return true;
    }

    /**
     * Collects the nodes reachable from {@code start} whose order lies strictly inside the bound
     * ({@code < bound} going forward, {@code > bound} going backward); false if {@code target} is met.
     */
    private boolean search(N start, N target, int bound, boolean forwardDirection, Function<N, List<N>> next, List<N> out) {
        Set<N> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<N> stack = new ArrayDeque<>();
        stack.push(start);
        seen.add(start);
        while (!stack.isEmpty()) {
            N x = stack.pop();
            if (x == target) {
                return false;
            }
            out.add(x);
            for (N y : next.apply(x)) {
                int o = ord.get(y);
                boolean inside = forwardDirection ? o <= bound : o >= bound;
                if (inside && seen.add(y)) {
                    stack.push(y);
                }
            }
        }
        return true;
    }
}
