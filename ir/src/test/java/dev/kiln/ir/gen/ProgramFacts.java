package dev.kiln.ir.gen;

import dev.kiln.ir.Atom;
import dev.kiln.ir.Constant;
import dev.kiln.ir.DType;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Literal;
import dev.kiln.ir.Var;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Facts recomputed from a finished graph alone (not from the generator's bookkeeping): each value's
 * range, from the input ranges of randomInputs and the constants' actual data, and whether it
 * depends on an input.
 */
final class ProgramFacts {
    final Map<Var, Range> ranges = new IdentityHashMap<>();
    final Map<Var, Boolean> dependent = new IdentityHashMap<>();
    final Map<Var, Equation> definition = new IdentityHashMap<>();

    ProgramFacts(Graph g) {
        for (Constant c : g.constants()) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < c.value().size(); i++) {
                lo = Math.min(lo, c.value().getDouble(i));
                hi = Math.max(hi, c.value().getDouble(i));
            }
            ranges.put(c.var(), c.value().size() == 0 ? Range.point(0) : new Range(lo, hi));
            dependent.put(c.var(), false);
        }
        for (Var v : g.inputs()) {
            ranges.put(v, v.dtype() == DType.I32 ? ProgramBuilder.INT_INPUT : v.dtype() == DType.BOOL ? Range.BOOL : Range.UNIT);
            dependent.put(v, true);
        }
        for (Equation e : g.equations()) {
            ranges.put(e.out(), RangeRules.of(e.primitive(), e.inputs().stream().map(this::range).toList(),
                    e.inputs().stream().map(Atom::type).toList(), e.out().type()));
            dependent.put(e.out(), e.inputs().stream().anyMatch(this::dependsOnInput));
            definition.put(e.out(), e);
        }
    }

    Range range(Atom a) {
        return switch (a) {
            case Var v -> ranges.get(v);
            case Literal l -> Range.point(l.value());
        };
    }

    boolean dependsOnInput(Atom a) {
        return a instanceof Var v && dependent.get(v);
    }
}
