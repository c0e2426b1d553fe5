package dev.kiln.ir.fusion;

/**
 * What a fused kernel is. A {@code LOOP} kernel computes elements of one iteration space; a
 * {@code REDUCTION} kernel accumulates one reduction over its elementwise producers and applies
 * its elementwise consumers (the epilogue) to the result; a {@code LIBRARY} kernel is a
 * hand-written routine (matrix product, convolution, pooling, gather/scatter, random bits)
 * followed by an optional epilogue; an {@code ALIAS} is a reshape of a value already in memory,
 * which needs no code and no copy.
 */
public enum KernelKind {
    LOOP, REDUCTION, LIBRARY, ALIAS
}
