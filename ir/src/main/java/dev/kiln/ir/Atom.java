package dev.kiln.ir;

/** An operand of an equation: a variable, or a scalar literal written inline. */
public sealed interface Atom permits Var, Literal {
    TensorType type();

    default DType dtype() {
        return type().dtype();
    }

    default Shape shape() {
        return type().shape();
    }
}
