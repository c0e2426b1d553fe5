package dev.kiln.ir.opt;

import dev.kiln.ir.Atom;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Shape;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.BroadcastInDim;
import dev.kiln.ir.prim.Concatenate;
import dev.kiln.ir.prim.Pad;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites a sum of zero-padded values whose non-zero parts are disjoint slabs along one axis as
 * the concatenation of those values (with zeros in the gaps). Reverse-mode autodiff produces such
 * sums wherever a value was sliced: each slice's cotangent is padded back to the full shape and the
 * pads are added up. An unrolled recurrence over T steps (an LSTM reading {@code x[t]} and the
 * gates {@code z[:, 4h]}) would otherwise sum T full-size arrays, element by element through T
 * guards; as a concatenation each element is copied once.
 *
 * <p>Only the root of a tree of adds is rewritten: an add whose result is read once, by another add
 * of its type, is part of its reader's tree (and dies with it). Exact except for the sign of a zero
 * ({@code -0.0 + 0.0} was {@code 0.0}), as the simplifier's {@code x+0 -> x}.
 */
public final class PadSumsToConcatenation implements GraphPass {
    /** One padded term: its unpadded operand and where it lies along the axis. */
    private record Slab(Atom operand, int start, int end, Atom padValue) {
    }

    @Override
    public String name() {
        return "pad-sums";
    }

    @Override
    public Graph run(Graph g) {
        if (!GraphPass.applies(g, Pad.class)) {
            return g;
        }
        Map<Var, Integer> uses = useCounts(g);
        // Adds read once, by an add of their type: inner nodes of a tree of adds.
        Set<Var> inner = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Equation eq : g.equations()) {
            if (isAdd(eq)) {
                for (Atom a : eq.inputs()) {
                    if (a instanceof Var v && uses.getOrDefault(v, 0) == 1) {
                        inner.add(v);
                    }
                }
            }
        }
        Rewriter rw = new Rewriter(g);
        for (Equation eq : g.equations()) {
            Atom replacement = isAdd(eq) && !inner.contains(eq.out()) ? concatenation(eq, inner, rw) : null;
            if (replacement == null) {
                rw.keep(eq);
            } else {
                rw.replace(eq.out(), replacement);
            }
        }
        return rw.changed() ? rw.build() : g;
    }

    /** A sum of two operands of the result's type (no rank-0 broadcast). */
    private static boolean isAdd(Equation eq) {
        return eq.primitive() instanceof Binary b && b.op() == BinaryOp.ADD && eq.input(0).type().equals(eq.out().type())
                && eq.input(1).type().equals(eq.out().type());
    }

    /** The concatenation equal to the tree of adds rooted at {@code root}, or null if it is not a sum of disjoint slabs. */
    private static Atom concatenation(Equation root, Set<Var> inner, Rewriter rw) {
        List<Atom> terms = terms(root, inner, rw);
        if (terms.size() < 2) {
            return null;
        }
        int axis = -1;
        List<Slab> slabs = new ArrayList<>();
        for (Atom t : terms) {
            Equation d = rw.definition(t);
            if (d == null || !(d.primitive() instanceof Pad p) || !isZero(d.input(1), rw)) {
                return null;
            }
            int a = slabAxis(p);
            if (a < 0 || (axis >= 0 && a != axis)) {
                return null;
            }
            axis = a;
            slabs.add(new Slab(d.input(0), p.low().get(a), t.shape().dim(a) - p.high().get(a), d.input(1)));
        }
        slabs.sort(Comparator.comparingInt(Slab::start));
        Shape shape = root.out().shape();
        List<Atom> operands = new ArrayList<>();
        int at = 0;
        for (Slab s : slabs) {
            if (s.start() < at) {
                return null;
            }
            if (s.start() > at) {
                operands.add(zeros(shape, axis, s.start() - at, s.padValue(), root, rw));
            }
            operands.add(s.operand());
            at = s.end();
        }
        if (at < shape.dim(axis)) {
            operands.add(zeros(shape, axis, shape.dim(axis) - at, slabs.getFirst().padValue(), root, rw));
        }
        return rw.emit(new Concatenate(axis), operands, root.source());
    }

    /** The leaves of the tree of adds at {@code root}: operands that are not inner adds. */
    private static List<Atom> terms(Equation root, Set<Var> inner, Rewriter rw) {
        List<Atom> out = new ArrayList<>();
        Deque<Atom> todo = new ArrayDeque<>();
        List<Atom> in = rw.resolveAll(root.inputs());
        todo.push(in.get(1));
        todo.push(in.get(0));
        while (!todo.isEmpty()) {
            Atom a = todo.pop();
            Equation d = rw.definition(a);
            if (d != null && a instanceof Var v && inner.contains(v) && isAdd(d)) {
                todo.push(d.input(1));
                todo.push(d.input(0));
            } else {
                out.add(a);
            }
        }
        return out;
    }

    /** The one axis a pad extends (no interior padding, no cropping), or -1. */
    private static int slabAxis(Pad p) {
        int axis = -1;
        for (int i = 0; i < p.low().size(); i++) {
            if (p.interior().get(i) != 0 || p.low().get(i) < 0 || p.high().get(i) < 0) {
                return -1;
            }
            if (p.low().get(i) != 0 || p.high().get(i) != 0) {
                if (axis >= 0) {
                    return -1;
                }
                axis = i;
            }
        }
        return axis;
    }

    private static boolean isZero(Atom a, Rewriter rw) {
        Double v = AlgebraicSimplifier.uniformValue(a, rw);
        return v != null && v == 0.0 && Double.doubleToRawLongBits(v) == 0L;
    }

    private static Atom zeros(Shape full, int axis, int length, Atom padValue, Equation root, Rewriter rw) {
        int[] dims = full.toArray();
        dims[axis] = length;
        return rw.emit(new BroadcastInDim(Shape.of(dims), Ints.of()), List.of(padValue), root.source());
    }

    private static Map<Var, Integer> useCounts(Graph g) {
        Map<Var, Integer> n = new IdentityHashMap<>(g.equations().size() + g.inputs().size() + g.constants().size());
        for (Equation eq : g.equations()) {
            for (Atom a : eq.inputs()) {
                if (a instanceof Var v) {
                    n.merge(v, 1, Integer::sum);
                }
            }
        }
        for (Atom a : g.outputs()) {
            if (a instanceof Var v) {
                n.merge(v, 1, Integer::sum);
            }
        }
        return n;
    }
}
