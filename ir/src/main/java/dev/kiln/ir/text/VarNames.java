package dev.kiln.ir.text;

import dev.kiln.ir.Atom;
import dev.kiln.ir.Constant;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Literal;
import dev.kiln.ir.Var;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The printed names of a graph's variables: {@code a, b, ..., z, ba, bb, ...} (as JAX names them)
 * in the order the variables appear in the printed text, so two dumps of the same program are
 * identical whatever the variables' ids. For a well-formed graph that order is the order of binding:
 * constants, then inputs, then each equation's output. Words the parser reserves are skipped.
 */
public final class VarNames {
    /** Words that can never name a variable, so the parser never has to guess. */
    static final Set<String> RESERVED = Set.of("lambda", "let", "in", "const", "true", "false", "nan", "inf");

    private final Map<Var, String> names = new IdentityHashMap<>();
    private int next;

    private VarNames() {
    }

    /** Names every variable of {@code graph}, in printed order. */
    public static VarNames of(Graph graph) {
        VarNames n = new VarNames();
        for (Constant c : graph.constants()) {
            n.name(c.var());
        }
        for (Var v : graph.inputs()) {
            n.name(v);
        }
        for (Equation e : graph.equations()) {
            n.name(e.out());
            for (Atom a : e.inputs()) {
                n.text(a);
            }
        }
        for (Atom a : graph.outputs()) {
            n.text(a);
        }
        return n;
    }

    /** The name of {@code v}, assigning the next free one if {@code v} has none yet. */
    public String name(Var v) {
        String s = names.get(v);
        if (s == null) {
            do {
                s = encode(next++);
            } while (RESERVED.contains(s));
            names.put(v, s);
        }
        return s;
    }

    /** A variable's name, or a literal's text ({@code 2.0:f32}). */
    public String text(Atom a) {
        return switch (a) {
            case Var v -> name(v);
            case Literal l -> l.text();
        };
    }

    /** {@code 0 -> a, 25 -> z, 26 -> ba}: base 26 with the letters as digits. */
    static String encode(int n) {
        StringBuilder sb = new StringBuilder();
        do {
            sb.insert(0, (char) ('a' + n % 26));
            n /= 26;
        } while (n > 0);
        return sb.toString();
    }
}
