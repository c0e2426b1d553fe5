package dev.kiln.ir;

import dev.kiln.ir.prim.Primitive;
import java.util.List;

/**
 * One step of a graph: a primitive with its static parameters, applied to input atoms, binding
 * one output variable. Remembers the user's source line it was traced from.
 */
public record Equation(Primitive primitive, List<Atom> inputs, Var out, SourceLocation source) {
    public Equation {
        inputs = List.copyOf(inputs);
        if (source == null) {
            source = SourceLocation.UNKNOWN;
        }
    }

    public Atom input(int i) {
        return inputs.get(i);
    }
}
