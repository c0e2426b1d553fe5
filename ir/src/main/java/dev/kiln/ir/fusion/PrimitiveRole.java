package dev.kiln.ir.fusion;

import dev.kiln.ir.prim.ArgMax;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BroadcastInDim;
import dev.kiln.ir.prim.Compare;
import dev.kiln.ir.prim.Concatenate;
import dev.kiln.ir.prim.ConvGeneralDilated;
import dev.kiln.ir.prim.Convert;
import dev.kiln.ir.prim.DotGeneral;
import dev.kiln.ir.prim.Gather;
import dev.kiln.ir.prim.Iota;
import dev.kiln.ir.prim.Pad;
import dev.kiln.ir.prim.Primitive;
import dev.kiln.ir.prim.RandomBits;
import dev.kiln.ir.prim.RandomSplit;
import dev.kiln.ir.prim.ReduceMax;
import dev.kiln.ir.prim.ReduceSum;
import dev.kiln.ir.prim.ReduceWindow;
import dev.kiln.ir.prim.Reshape;
import dev.kiln.ir.prim.Rev;
import dev.kiln.ir.prim.ScatterAdd;
import dev.kiln.ir.prim.Select;
import dev.kiln.ir.prim.SelectAndScatterAdd;
import dev.kiln.ir.prim.Slice;
import dev.kiln.ir.prim.Transpose;
import dev.kiln.ir.prim.Unary;

/**
 * How fusion and lowering treat a primitive: computed element by element, a remapping of
 * indices (inlined into consumers), a reduction (the root of a reduction kernel), or a library
 * kernel (hand-written per backend, reading its operands from memory).
 */
public enum PrimitiveRole {
    ELEMENTWISE, LAYOUT, REDUCTION, LIBRARY;

    public static PrimitiveRole of(Primitive p) {
        return switch (p) {
            case Unary u -> ELEMENTWISE;
            case Binary b -> ELEMENTWISE;
            case Compare c -> ELEMENTWISE;
            case Select s -> ELEMENTWISE;
            case Convert c -> ELEMENTWISE;
            case Iota i -> LAYOUT;
            case BroadcastInDim b -> LAYOUT;
            case Reshape r -> LAYOUT;
            case Transpose t -> LAYOUT;
            case Rev r -> LAYOUT;
            case Slice s -> LAYOUT;
            case Pad pd -> LAYOUT;
            case Concatenate c -> LAYOUT;
            case ReduceSum r -> REDUCTION;
            case ReduceMax r -> REDUCTION;
            case ArgMax a -> REDUCTION;
            case DotGeneral d -> LIBRARY;
            case ConvGeneralDilated c -> LIBRARY;
            case ReduceWindow w -> LIBRARY;
            case SelectAndScatterAdd s -> LIBRARY;
            case Gather g -> LIBRARY;
            case ScatterAdd s -> LIBRARY;
            case RandomBits r -> LIBRARY;
            case RandomSplit r -> LIBRARY;
        };
    }

    /** Whether a value of this role can be computed inside its consumer's loop (index remapping). */
    public boolean inlinable() {
        return this == ELEMENTWISE || this == LAYOUT;
    }
}
