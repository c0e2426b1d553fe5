package dev.kiln.ir.prim;

/**
 * The closed set of IR primitives, one record per primitive holding its static parameters. Every
 * transform (shape rules, interpreter, VJP, batching, fusion, each code generator) is an
 * exhaustive {@code switch} over this type, so a new primitive is a compile error wherever a rule
 * is missing.
 *
 * <p>Operand layouts are fixed where lax lets them vary: convolutions are {@code [N, C, spatial...]}
 * for activations and {@code [O, I, spatial...]} for kernels, which keeps code generators simple;
 * transforms insert transposes where they need another layout.
 */
public sealed interface Primitive
        permits Unary, Binary, Compare, Select, Convert, Iota, BroadcastInDim, Reshape, Transpose, Rev,
                Slice, Pad, Concatenate, ReduceSum, ReduceMax, ArgMax, DotGeneral, ConvGeneralDilated,
                ReduceWindow, SelectAndScatterAdd, Gather, ScatterAdd, RandomBits, RandomSplit {

    /** The name in IR text, e.g. {@code dot_general} or {@code exp}. */
    String name();

    /** Whether the primitive works element by element (and so accepts scalar literal operands). */
    default boolean isElementwise() {
        return this instanceof Unary || this instanceof Binary || this instanceof Compare
                || this instanceof Select || this instanceof Convert;
    }
}
