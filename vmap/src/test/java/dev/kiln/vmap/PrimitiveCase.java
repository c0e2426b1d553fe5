package dev.kiln.vmap;

import dev.kiln.ir.Atom;
import dev.kiln.ir.Graph;
import dev.kiln.ir.GraphBuilder;
import dev.kiln.ir.SourceLocation;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.Primitive;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry drawn from the oracle table: a small per-example graph (usually one equation), how to
 * fill each of its inputs, and how closely batched and looped results must agree (0 = exactly).
 */
record PrimitiveCase(String description, Graph graph, List<Gen> inputs, double rtol) {

    @Override
    public String toString() {
        return description + " " + graph.inputTypes() + " -> " + graph.outputTypes();
    }

    /** Builds a case one input and equation at a time. */
    static final class Builder {
        private final GraphBuilder b = new GraphBuilder();
        private final List<Gen> gens = new ArrayList<>();

        Var input(TensorType type, Gen gen) {
            gens.add(gen);
            return b.addInput(type);
        }

        Var eq(Primitive p, Atom... operands) {
            return b.addEquation(p, List.of(operands), SourceLocation.UNKNOWN);
        }

        PrimitiveCase build(String description, double rtol, Atom... outputs) {
            return new PrimitiveCase(description, b.build(List.of(outputs)), gens, rtol);
        }
    }
}
