package dev.kiln.ir.verify;

import dev.kiln.ir.Atom;
import dev.kiln.ir.Constant;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Literal;
import dev.kiln.ir.Var;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Structural equality of graphs up to the identity of their variables (alpha-equivalence): same
 * inputs, constants (bit-equal data), equations (primitive, operands, output type, source line) and
 * outputs, position by position. What a round trip through text, or a pass that should change
 * nothing, must preserve.
 */
public final class GraphEquivalence {
    private final Map<Var, Var> map = new IdentityHashMap<>();

    private GraphEquivalence() {
    }

    public static boolean equivalent(Graph a, Graph b) {
        return difference(a, b).isEmpty();
    }

    /** The first difference between {@code a} and {@code b} in words, or empty if they are equivalent. */
    public static Optional<String> difference(Graph a, Graph b) {
        return Optional.ofNullable(new GraphEquivalence().compare(a, b));
    }

    private String compare(Graph a, Graph b) {
        if (a.constants().size() != b.constants().size()) {
            return "constant counts differ: " + a.constants().size() + " vs " + b.constants().size();
        }
        for (int i = 0; i < a.constants().size(); i++) {
            Constant x = a.constants().get(i);
            Constant y = b.constants().get(i);
            if (!x.value().contentEquals(y.value())) {
                return "constant " + i + " differs: " + x.value() + " vs " + y.value();
            }
            String d = bindVar(x.var(), y.var(), "constant " + i);
            if (d != null) {
                return d;
            }
        }
        if (a.inputs().size() != b.inputs().size()) {
            return "input counts differ: " + a.inputs().size() + " vs " + b.inputs().size();
        }
        for (int i = 0; i < a.inputs().size(); i++) {
            String d = bindVar(a.inputs().get(i), b.inputs().get(i), "input " + i);
            if (d != null) {
                return d;
            }
        }
        if (a.equations().size() != b.equations().size()) {
            return "equation counts differ: " + a.equations().size() + " vs " + b.equations().size();
        }
        for (int i = 0; i < a.equations().size(); i++) {
            String d = compareEquation(i, a.equations().get(i), b.equations().get(i));
            if (d != null) {
                return d;
            }
        }
        return compareAtoms("outputs", a.outputs(), b.outputs());
    }

    private String compareEquation(int i, Equation x, Equation y) {
        String where = "equation " + i;
        if (!x.primitive().equals(y.primitive())) {
            return where + ": primitive " + x.primitive() + " vs " + y.primitive();
        }
        if (!x.source().equals(y.source())) {
            return where + ": source " + x.source() + " vs " + y.source();
        }
        String d = compareAtoms(where + " operands", x.inputs(), y.inputs());
        return d != null ? d : bindVar(x.out(), y.out(), where + " output");
    }

    private String compareAtoms(String where, List<Atom> xs, List<Atom> ys) {
        if (xs.size() != ys.size()) {
            return where + ": " + xs.size() + " vs " + ys.size() + " atoms";
        }
        for (int k = 0; k < xs.size(); k++) {
            Atom x = xs.get(k);
            Atom y = ys.get(k);
            boolean same = switch (x) {
                case Var v -> y instanceof Var w && map.get(v) == w;
                case Literal l -> l.equals(y);
            };
            if (!same) {
                return where + ": atom " + k + " is " + x + " vs " + y;
            }
        }
        return null;
    }

    private String bindVar(Var x, Var y, String where) {
        if (!x.type().equals(y.type())) {
            return where + ": type " + x.type() + " vs " + y.type();
        }
        if (map.containsKey(x)) {
            return where + ": " + x + " is bound twice";
        }
        map.put(x, y);
        return null;
    }
}
