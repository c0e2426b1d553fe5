package dev.kiln.ir;

import dev.kiln.ir.prim.Primitive;
import dev.kiln.ir.prim.ShapeRules;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Builds a {@link Graph} one binding at a time, checking each equation's shape rule as it is
 * added (so a shape error surfaces at the user's line, not later) and that every operand is
 * already bound in this graph.
 */
public final class GraphBuilder {
    private final List<Var> inputs = new ArrayList<>();
    private final List<Constant> constants = new ArrayList<>();
    private final List<Equation> equations = new ArrayList<>();
    // Traced graphs run to thousands of values: start large rather than rehash at every doubling.
    private final Set<Var> bound = Collections.newSetFromMap(new IdentityHashMap<>(256));

    public Var addInput(TensorType type) {
        Var v = new Var(type);
        inputs.add(v);
        bound.add(v);
        return v;
    }

    public Var addConstant(ArrayData value) {
        Var v = new Var(value.type());
        constants.add(new Constant(v, value));
        bound.add(v);
        return v;
    }

    /**
     * Appends {@code p(inputs)} and returns its output variable.
     *
     * @throws KilnException from the primitive's shape rule, pointing at {@code source}
     */
    public Var addEquation(Primitive p, List<? extends Atom> operands, SourceLocation source) {
        for (Atom a : operands) {
            if (a instanceof Var v && !bound.contains(v)) {
                throw new IllegalStateException("operand " + v + " of " + p.name() + " is not bound in this graph");
            }
            if (a instanceof Literal && !p.isElementwise()) {
                throw new IllegalStateException("literal operand of non-elementwise " + p.name());
            }
        }
        TensorType t;
        try {
            List<TensorType> types = new ArrayList<>(operands.size());
            for (Atom a : operands) {
                types.add(a.type());
            }
            t = ShapeRules.infer(p, types);
        } catch (KilnException e) {
            throw e.at(source);
        }
        Var out = new Var(t);
        equations.add(new Equation(p, List.copyOf(operands), out, source));
        bound.add(out);
        return out;
    }

    public boolean isBound(Var v) {
        return bound.contains(v);
    }

    public int equationCount() {
        return equations.size();
    }

    public Graph build(List<? extends Atom> outputs) {
        for (Atom a : outputs) {
            if (a instanceof Var v && !bound.contains(v)) {
                throw new IllegalStateException("output " + v + " is not bound in this graph");
            }
        }
        return new Graph(inputs, constants, equations, List.copyOf(outputs));
    }
}
