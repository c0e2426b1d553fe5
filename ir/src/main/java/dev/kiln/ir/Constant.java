package dev.kiln.ir;

/** A graph constant: an array value bound to a variable (closed-over data, non-scalar literals). */
public record Constant(Var var, ArrayData value) {
    public Constant {
        if (!var.type().equals(value.type())) {
            throw new IllegalArgumentException("constant " + var + " holds " + value.type());
        }
    }
}
