package dev.kiln.ir.kernel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An integer index expression of the kernel IR, kept normalised as {@code sum(coef * atom) + constant}
 * where an atom is a loop variable or the quotient or remainder of an index expression by a
 * positive constant (reshapes need them). Value equality, so index expressions can key memo tables.
 * The constructors simplify with the atoms' ranges: {@code (i*8 + j) / 8 = i} when {@code 0 <= j < 8},
 * {@code (f/8)*8 + f%8 = f}, and so on. Division and remainder truncate (Java semantics); they are
 * only simplified where the numerator is known to be non-negative.
 */
public record Idx(Map<Atom, Integer> terms, int constant) {

    /** A non-constant part of an index: a loop variable, a quotient or a remainder. */
    public sealed interface Atom permits LoopVar, Div, Mod {
    }

    /** {@code numerator / divisor}, truncating; divisor > 1. */
    public record Div(Idx numerator, int divisor) implements Atom {
        @Override
        public String toString() {
            return "(" + numerator + ")/" + divisor;
        }
    }

    /** {@code numerator % divisor}; divisor > 1. */
    public record Mod(Idx numerator, int divisor) implements Atom {
        @Override
        public String toString() {
            return "(" + numerator + ")%" + divisor;
        }
    }

    /** An inclusive range of values. */
    public record Range(long min, long max) {
        public boolean within(long lo, long hi) {
            return min >= lo && max <= hi;
        }
    }

    public Idx {
        terms = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(terms));
    }

    // equals and hashCode as a record's, written out (see LoopVar).
    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof Idx i && constant == i.constant && terms.equals(i.terms);
    }

    @Override
    public int hashCode() {
        return 31 * terms.hashCode() + constant;
    }

    public static Idx constant(int c) {
        return new Idx(Map.of(), c);
    }

    public static Idx of(LoopVar v) {
        return new Idx(Map.of(v, 1), 0);
    }

    public static Idx zero() {
        return constant(0);
    }

    public boolean isConstant() {
        return terms.isEmpty();
    }

    /** The coefficient of atom {@code a} (0 if absent). */
    public int coefficient(Atom a) {
        return terms.getOrDefault(a, 0);
    }

    public Idx plus(Idx o) {
        Map<Atom, Integer> t = new LinkedHashMap<>(terms);
        o.terms.forEach((a, c) -> t.merge(a, c, Integer::sum));
        return normalise(t, constant + o.constant);
    }

    public Idx plus(int c) {
        return c == 0 ? this : new Idx(terms, constant + c);
    }

    public Idx times(int c) {
        if (c == 0) {
            return zero();
        }
        Map<Atom, Integer> t = new LinkedHashMap<>();
        terms.forEach((a, k) -> t.put(a, k * c));
        return new Idx(t, constant * c);
    }

    /** This divided by {@code d} (truncating), simplified where the ranges allow. */
    public Idx div(int d) {
        if (d == 1) {
            return this;
        }
        Range r = range();
        if (r.min() >= 0) {
            if (r.max() < d) {
                return zero();
            }
            Split s = split(d);
            if (s.rest.range().min() >= 0) {
                Idx q = s.multiples.divideExact(d);
                Range rr = s.rest.range();
                if (rr.max() < d) {
                    return q;
                }
                return q.plus(atomDiv(s.rest, d));
            }
            return atomDiv(this, d);
        }
        if (isConstant()) {
            return constant(constant / d);
        }
        return atomDiv(this, d);
    }

    /** This modulo {@code d} (Java remainder), simplified where the ranges allow. */
    public Idx mod(int d) {
        if (d == 1) {
            return zero();
        }
        Range r = range();
        if (r.min() >= 0) {
            if (r.max() < d) {
                return this;
            }
            Split s = split(d);
            if (s.rest.range().min() >= 0) {
                Range rr = s.rest.range();
                return rr.max() < d ? s.rest : atomMod(s.rest, d);
            }
            return atomMod(this, d);
        }
        if (isConstant()) {
            return constant(constant % d);
        }
        return atomMod(this, d);
    }

    private static Idx atomDiv(Idx num, int d) {
        // (x / a) / b = x / (a*b) for x >= 0.
        if (num.terms.size() == 1 && num.constant == 0) {
            Map.Entry<Atom, Integer> e = num.terms.entrySet().iterator().next();
            if (e.getValue() == 1 && e.getKey() instanceof Div inner) {
                return new Idx(Map.of(new Div(inner.numerator, inner.divisor * d), 1), 0);
            }
        }
        return new Idx(Map.of(new Div(num, d), 1), 0);
    }

    private static Idx atomMod(Idx num, int d) {
        // (x % a) % b = x % b when b divides a, for x >= 0.
        if (num.terms.size() == 1 && num.constant == 0) {
            Map.Entry<Atom, Integer> e = num.terms.entrySet().iterator().next();
            if (e.getValue() == 1 && e.getKey() instanceof Mod inner && inner.divisor % d == 0) {
                return atomMod(inner.numerator, d);
            }
        }
        return new Idx(Map.of(new Mod(num, d), 1), 0);
    }

    /** This split into the terms whose coefficients are multiples of d (constant: its multiple part) and the rest. */
    private record Split(Idx multiples, Idx rest) {
    }

    private Split split(int d) {
        Map<Atom, Integer> m = new LinkedHashMap<>(), r = new LinkedHashMap<>();
        terms.forEach((a, c) -> (c % d == 0 ? m : r).put(a, c));
        int cm = Math.floorDiv(constant, d) * d;
        return new Split(new Idx(m, cm), new Idx(r, constant - cm));
    }

    private Idx divideExact(int d) {
        Map<Atom, Integer> t = new LinkedHashMap<>();
        terms.forEach((a, c) -> t.put(a, c / d));
        return new Idx(t, constant / d);
    }

    /** Drops zero terms and rewrites {@code c*d*(x/d) + c*(x%d)} as {@code c*x}. */
    private static Idx normalise(Map<Atom, Integer> t, int constant) {
        t.values().removeIf(c -> c == 0);
        boolean again = true;
        while (again) {
            again = false;
            for (Atom a : List.copyOf(t.keySet())) {
                if (a instanceof Mod m && t.containsKey(a)) {
                    Div partner = new Div(m.numerator, m.divisor);
                    Integer cm = t.get(a), cd = t.get(partner);
                    if (cd != null && cd == cm * m.divisor) {
                        t.remove(a);
                        t.remove(partner);
                        Idx merged = new Idx(t, constant).plus(m.numerator.times(cm));
                        t = new LinkedHashMap<>(merged.terms);
                        constant = merged.constant;
                        again = true;
                        break;
                    }
                }
            }
        }
        return new Idx(t, constant);
    }

    /** The range of values over all loop variable values. */
    public Range range() {
        long lo = constant, hi = constant;
        for (Map.Entry<Atom, Integer> e : terms.entrySet()) {
            Range r = atomRange(e.getKey());
            long c = e.getValue();
            long a = c * r.min(), b = c * r.max();
            lo += Math.min(a, b);
            hi += Math.max(a, b);
        }
        return new Range(lo, hi);
    }

    private static Range atomRange(Atom a) {
        return switch (a) {
            case LoopVar v -> new Range(0, Math.max(0, v.extent() - 1));
            case Div d -> {
                Range r = d.numerator.range();
                yield new Range(r.min() / d.divisor, r.max() / d.divisor);
            }
            case Mod m -> {
                Range r = m.numerator.range();
                yield r.min() >= 0 ? new Range(0, Math.min(r.max(), m.divisor - 1))
                        : new Range(-(m.divisor - 1), m.divisor - 1);
            }
        };
    }

    /** Whether loop variable {@code v} occurs anywhere in this expression (also inside quotients). */
    public boolean uses(LoopVar v) {
        for (Atom a : terms.keySet()) {
            if (a.equals(v) || (a instanceof Div d && d.numerator.uses(v)) || (a instanceof Mod m && m.numerator.uses(v))) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code v} occurs only as a plain term (not inside a quotient or remainder). */
    public boolean affineIn(LoopVar v) {
        for (Atom a : terms.keySet()) {
            if ((a instanceof Div d && d.numerator.uses(v)) || (a instanceof Mod m && m.numerator.uses(v))) {
                return false;
            }
        }
        return true;
    }

    /** This with loop variable {@code v} replaced by {@code by}, re-simplified (this itself if it does not use {@code v}). */
    public Idx substitute(LoopVar v, Idx by) {
        if (!uses(v)) {
            return this;
        }
        Idx out = constant(constant);
        for (Map.Entry<Atom, Integer> e : terms.entrySet()) {
            Idx term = switch (e.getKey()) {
                case LoopVar w -> w.equals(v) ? by : Idx.of(w);
                case Div d -> d.numerator.substitute(v, by).div(d.divisor);
                case Mod m -> m.numerator.substitute(v, by).mod(m.divisor);
            };
            out = out.plus(term.times(e.getValue()));
        }
        return out;
    }

    /** The loop variables this expression reads. */
    public List<LoopVar> loopVars() {
        List<LoopVar> out = new ArrayList<>();
        collect(out);
        return out;
    }

    private void collect(List<LoopVar> out) {
        for (Atom a : terms.keySet()) {
            switch (a) {
                case LoopVar v -> {
                    if (!out.contains(v)) {
                        out.add(v);
                    }
                }
                case Div d -> d.numerator.collect(out);
                case Mod m -> m.numerator.collect(out);
            }
        }
    }

    /** {@code i*8 + j + 3}, terms in a stable order (loop variables by id first). */
    @Override
    public String toString() {
        List<Map.Entry<Atom, Integer>> es = new ArrayList<>(terms.entrySet());
        es.sort(Comparator.comparing((Map.Entry<Atom, Integer> e) -> e.getKey() instanceof LoopVar v ? v.id() : Integer.MAX_VALUE)
                .thenComparing(e -> e.getKey().toString()));
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<Atom, Integer> e : es) {
            int c = e.getValue();
            if (sb.length() > 0) {
                sb.append(c < 0 ? " - " : " + ");
            } else if (c < 0) {
                sb.append('-');
            }
            int a = Math.abs(c);
            sb.append(a == 1 ? "" : a + "*").append(e.getKey());
        }
        if (constant != 0 || sb.length() == 0) {
            if (sb.length() > 0) {
                sb.append(constant < 0 ? " - " : " + ").append(Math.abs(constant));
            } else {
                sb.append(constant);
            }
        }
        return sb.toString();
    }
}
