package dev.kiln.ir.prim;

import dev.kiln.ir.Ints;

/**
 * The gradient of max pooling. Operands {@code (source, operand)}: for each window of the padded
 * operand (as in {@link ReduceWindow} MAX with the same window), the source value of that window
 * is added at the position of the window's maximum (the first one on ties). The result has the
 * operand's shape; positions never selected are zero.
 *
 * <p>Padding is never selected: a window's candidates are its real operand elements, in row-major
 * window order, and a window made only of padding scatters nothing. Selection is XLA's with JAX's
 * {@code ge} selector: a later candidate replaces the current one unless {@code current >= candidate}.
 */
public record SelectAndScatterAdd(Ints windowDims, Ints strides, Ints padLow, Ints padHigh) implements Primitive {
    @Override
    public String name() {
        return "select_and_scatter_add";
    }
}
