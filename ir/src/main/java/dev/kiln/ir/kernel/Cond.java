package dev.kiln.ir.kernel;

import java.util.ArrayList;
import java.util.List;

/**
 * A guard over indices: the conjunction of {@code lo <= e}, {@code e < hi} and {@code e % k == 0}
 * clauses. Pads and concatenations read an operand only where the guard holds. Clauses that the
 * index ranges already decide are dropped when built, so a guard that always holds is empty.
 */
public record Cond(List<Clause> clauses) {

    /** One comparison of an index expression against a constant. */
    public sealed interface Clause {
    }

    /** {@code index >= bound}. */
    public record AtLeast(Idx index, int bound) implements Clause {
        @Override
        public String toString() {
            return index + " >= " + bound;
        }
    }

    /** {@code index < bound}. */
    public record Below(Idx index, int bound) implements Clause {
        @Override
        public String toString() {
            return index + " < " + bound;
        }
    }

    /** {@code index % divisor == 0}. */
    public record Divisible(Idx index, int divisor) implements Clause {
        @Override
        public String toString() {
            return index + " % " + divisor + " == 0";
        }
    }

    public Cond {
        clauses = List.copyOf(clauses);
    }

    public static Cond always() {
        return new Cond(List.of());
    }

    public boolean isAlways() {
        return clauses.isEmpty();
    }

    /** Whether some clause can never hold. */
    public boolean isNever() {
        for (Clause c : clauses) {
            if (c instanceof AtLeast a && a.index().range().max() < a.bound()) {
                return true;
            }
            if (c instanceof Below b && b.index().range().min() >= b.bound()) {
                return true;
            }
        }
        return false;
    }

    public Cond atLeast(Idx e, int bound) {
        return e.range().min() >= bound ? this : with(new AtLeast(e, bound));
    }

    public Cond below(Idx e, int bound) {
        return e.range().max() < bound ? this : with(new Below(e, bound));
    }

    public Cond divisible(Idx e, int divisor) {
        if (divisor == 1 || (e.isConstant() && e.constant() % divisor == 0)) {
            return this;
        }
        return with(new Divisible(e, divisor));
    }

    public Cond and(Cond o) {
        List<Clause> all = new ArrayList<>(clauses);
        all.addAll(o.clauses);
        return new Cond(all);
    }

    private Cond with(Clause c) {
        List<Clause> all = new ArrayList<>(clauses);
        all.add(c);
        return new Cond(all);
    }

    @Override
    public String toString() {
        if (clauses.isEmpty()) {
            return "true";
        }
        StringBuilder sb = new StringBuilder();
        for (Clause c : clauses) {
            if (sb.length() > 0) {
                sb.append(" && ");
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
