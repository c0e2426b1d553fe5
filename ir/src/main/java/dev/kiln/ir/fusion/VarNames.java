package dev.kiln.ir.fusion;

import dev.kiln.ir.Atom;
import dev.kiln.ir.Constant;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Literal;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.Compare;
import dev.kiln.ir.prim.Primitive;
import dev.kiln.ir.prim.Select;
import dev.kiln.ir.prim.Unary;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Stable short names for a graph's variables ({@code a, b, ..., z, ba, ...}) in order of
 * appearance: inputs, constants, then equation results. The compiler's dumps (fusion plan, buffer
 * plan, kernels) use them so that two dumps of one graph diff cleanly.
 */
public final class VarNames {
    private final Map<Var, String> names = new IdentityHashMap<>();

    public VarNames(Graph g) {
        for (Var v : g.inputs()) {
            name(v);
        }
        for (Constant c : g.constants()) {
            name(c.var());
        }
        for (Equation eq : g.equations()) {
            name(eq.out());
        }
    }

    /** The name of {@code v} (a fresh one for a variable the graph does not bind). */
    public String name(Var v) {
        return names.computeIfAbsent(v, x -> letters(names.size()));
    }

    /** A variable's name, or a literal's text. */
    public String atom(Atom a) {
        return switch (a) {
            case Var v -> name(v);
            case Literal l -> l.text();
        };
    }

    /** {@code name:type}. */
    public String typed(Var v) {
        return name(v) + ":" + v.type();
    }

    /** One equation as a line of IR text: {@code c:f32[3] = exp b}. */
    public String equation(Equation eq) {
        StringBuilder sb = new StringBuilder(typed(eq.out())).append(" = ").append(primitive(eq.primitive()));
        for (Atom a : eq.inputs()) {
            sb.append(' ').append(atom(a));
        }
        return sb.toString();
    }

    /** A primitive with its static parameters, e.g. {@code reduce_sum[axes=[1]]}. */
    public static String primitive(Primitive p) {
        if (p instanceof Unary || p instanceof Binary || p instanceof Compare || p instanceof Select) {
            return p.name();
        }
        String s = p.toString();
        int open = s.indexOf('[');
        String params = open < 0 ? "" : s.substring(open);
        return params.equals("[]") ? p.name() : p.name() + params;
    }

    private static String letters(int i) {
        StringBuilder sb = new StringBuilder();
        do {
            sb.insert(0, (char) ('a' + i % 26));
            i /= 26;
        } while (i > 0);
        return sb.toString();
    }
}
