package dev.kiln.ir;

import java.util.List;

/**
 * A closed, typed program (JAX's jaxpr): input variables, constants, equations in topological
 * order, and output atoms. Graphs are immutable values; every transform builds a new one.
 */
public record Graph(List<Var> inputs, List<Constant> constants, List<Equation> equations, List<Atom> outputs) {
    public Graph {
        inputs = List.copyOf(inputs);
        constants = List.copyOf(constants);
        equations = List.copyOf(equations);
        outputs = List.copyOf(outputs);
    }

    public List<TensorType> inputTypes() {
        return inputs.stream().map(Var::type).toList();
    }

    public List<TensorType> outputTypes() {
        return outputs.stream().map(Atom::type).toList();
    }
}
