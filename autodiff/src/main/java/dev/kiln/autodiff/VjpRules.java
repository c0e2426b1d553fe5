package dev.kiln.autodiff;

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
import dev.kiln.tracer.Tensor;

/**
 * One VJP rule per primitive, as an exhaustive switch over the sealed {@link Primitive}: adding a
 * primitive is a compile error here until its rule exists. The rules live by family in
 * {@link ElementwiseVjp}, {@link LayoutVjp}, {@link ReductionVjp}, {@link DotVjp}, {@link ConvVjp},
 * {@link WindowVjp} and {@link IndexingVjp}.
 */
final class VjpRules {
    private VjpRules() {
    }

    /** The cotangents of the operands of {@code c.eq()} (null where none is needed or exists). */
    static Tensor[] vjp(VjpCall c) {
        return switch (c.eq().primitive()) {
            case Unary u -> ElementwiseVjp.unary(u, c);
            case Binary b -> ElementwiseVjp.binary(b, c);
            case Select s -> ElementwiseVjp.select(c);
            case Convert cv -> ElementwiseVjp.convert(cv, c);
            case BroadcastInDim b -> LayoutVjp.broadcastInDim(b, c);
            case Reshape r -> LayoutVjp.reshape(c);
            case Transpose t -> LayoutVjp.transpose(t, c);
            case Rev r -> LayoutVjp.rev(r, c);
            case Slice s -> LayoutVjp.slice(s, c);
            case Pad p -> LayoutVjp.pad(p, c);
            case Concatenate cat -> LayoutVjp.concatenate(cat, c);
            case ReduceSum r -> ReductionVjp.reduceSum(r, c);
            case ReduceMax r -> ReductionVjp.reduceMax(r, c);
            case DotGeneral d -> DotVjp.dotGeneral(d, c);
            case ConvGeneralDilated cv -> ConvVjp.conv(cv, c);
            case ReduceWindow w -> WindowVjp.reduceWindow(w, c);
            case SelectAndScatterAdd s -> WindowVjp.selectAndScatterAdd(s, c);
            case Gather g -> IndexingVjp.gather(g, c);
            case ScatterAdd s -> IndexingVjp.scatterAdd(s, c);
            // No operand has a derivative (or the result is not floating-point): never active.
            case Compare cmp -> c.none();
            case ArgMax a -> c.none();
            case Iota i -> c.none();
            case RandomBits r -> c.none();
            case RandomSplit r -> c.none();
        };
    }

    /**
     * Whether the primitive's result can depend differentiably on its operands. False for
     * primitives whose derivative is zero everywhere it exists (sign, floor, ceil, round,
     * stop_gradient) and for those with no floating-point result; their results are constants to
     * autodiff, so nothing downstream of them alone is differentiated.
     */
    static boolean propagates(Primitive p) {
        return switch (p) {
            case Unary u -> switch (u.op()) {
                case SIGN, FLOOR, CEIL, ROUND, NOT, STOP_GRADIENT -> false;
                case NEG, EXP, LOG, LOG1P, EXPM1, TANH, LOGISTIC, SQRT, RSQRT, ABS, SIN, COS -> true;
            };
            case Binary b -> !b.op().isBitwise();
            case Compare cmp -> false;
            case ArgMax a -> false;
            case Iota i -> false;
            case RandomBits r -> false;
            case RandomSplit r -> false;
            case Select s -> true;
            case Convert cv -> cv.to().isFloating();
            case BroadcastInDim b -> true;
            case Reshape r -> true;
            case Transpose t -> true;
            case Rev r -> true;
            case Slice s -> true;
            case Pad pd -> true;
            case Concatenate cat -> true;
            case ReduceSum r -> true;
            case ReduceMax r -> true;
            case DotGeneral d -> true;
            case ConvGeneralDilated cv -> true;
            case ReduceWindow w -> true;
            case SelectAndScatterAdd s -> true;
            case Gather g -> true;
            case ScatterAdd s -> true;
        };
    }
}
