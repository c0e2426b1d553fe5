package dev.kiln.ir.opt;

import dev.kiln.ir.Atom;
import dev.kiln.ir.Constant;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Literal;
import dev.kiln.ir.SourceLocation;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.Primitive;
import dev.kiln.ir.prim.ShapeRules;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shared machinery of the graph passes: a substitution of variables by atoms, applied to the
 * operands of every equation kept, and the new graph's equations and constants. Passes keep the
 * original output variables of equations they do not change, so dumps stay readable.
 */
final class Rewriter {
    private final Graph source;
    private final Map<Var, Atom> substitution = new IdentityHashMap<>();
    private final List<Equation> equations;
    private final List<Constant> constants = new ArrayList<>();
    private final Map<Var, Constant> constantOf = new IdentityHashMap<>();
    /** The defining equation of each kept or emitted output: built on the first lookup (most passes never look). */
    private Map<Var, Equation> definition;
    private boolean changed;

    Rewriter(Graph source) {
        this.source = source;
        this.equations = new ArrayList<>(source.equations().size());
        for (Constant c : source.constants()) {
            addConstant(c);
        }
    }

    Graph source() {
        return source;
    }

    /** The atom {@code a} now stands for. */
    Atom resolve(Atom a) {
        if (a instanceof Var v) {
            Atom s = substitution.get(v);
            return s == null ? v : s;
        }
        return a;
    }

    /** {@code atoms} resolved: the same list when none of them is substituted. */
    List<Atom> resolveAll(List<Atom> atoms) {
        if (!substitutesAny(atoms)) {
            return atoms;
        }
        List<Atom> out = new ArrayList<>(atoms.size());
        for (Atom a : atoms) {
            out.add(resolve(a));
        }
        return out;
    }

    private boolean substitutesAny(List<Atom> atoms) {
        if (substitution.isEmpty()) {
            return false;
        }
        for (Atom a : atoms) {
            if (a instanceof Var v && substitution.containsKey(v)) {
                return true;
            }
        }
        return false;
    }

    /** From now on every use of {@code old} reads {@code replacement}. */
    void replace(Var old, Atom replacement) {
        if (replacement != old) {
            substitution.put(old, replacement);
            changed = true;
        }
    }

    /** Keeps {@code eq} with its operands resolved. */
    Equation keep(Equation eq) {
        return keep(eq, resolveAll(eq.inputs()));
    }

    /** Keeps {@code eq} with the given (resolved) operands. */
    Equation keep(Equation eq, List<Atom> operands) {
        if (operands != eq.inputs() && !operands.equals(eq.inputs())) {
            changed = true;
            eq = new Equation(eq.primitive(), operands, eq.out(), eq.source());
        }
        add(eq);
        return eq;
    }

    private void add(Equation eq) {
        equations.add(eq);
        if (definition != null) {
            definition.put(eq.out(), eq);
        }
    }

    /** The kept or emitted equation defining {@code a}, or null for inputs, constants and literals. */
    Equation definition(Atom a) {
        if (!(a instanceof Var v)) {
            return null;
        }
        if (definition == null) {
            definition = new IdentityHashMap<>(source.equations().size());
            for (Equation eq : equations) {
                definition.put(eq.out(), eq);
            }
        }
        return definition.get(v);
    }

    /** Appends a new equation (operands already resolved) and returns its output. */
    Var emit(Primitive p, List<Atom> operands, SourceLocation where) {
        Var out = new Var(ShapeRules.infer(p, operands.stream().map(Atom::type).toList()));
        add(new Equation(p, operands, out, where));
        changed = true;
        return out;
    }

    void addConstant(Constant c) {
        constants.add(c);
        constantOf.put(c.var(), c);
    }

    /** The constant bound to {@code a}, if {@code a} is a constant variable of the new graph. */
    Constant constantOf(Atom a) {
        return a instanceof Var v ? constantOf.get(v) : null;
    }

    boolean isConstant(Atom a) {
        return a instanceof Literal || constantOf(a) != null;
    }

    void markChanged() {
        changed = true;
    }

    boolean changed() {
        return changed;
    }

    Graph build() {
        return new Graph(source.inputs(), constants, equations, resolveAll(source.outputs()));
    }
}
