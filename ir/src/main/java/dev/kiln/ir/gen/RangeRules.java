package dev.kiln.ir.gen;

import dev.kiln.ir.DType;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.ArgMax;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BinaryOp;
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
import dev.kiln.ir.prim.UnaryOp;
import dev.kiln.ir.prim.WindowKind;
import java.util.List;

/**
 * Interval rules: the range of a primitive's result from its operands' ranges, conservatively.
 * {@link Range#UNKNOWN} where no useful bound holds (the generator then refuses the equation).
 */
final class RangeRules {
    private RangeRules() {
    }

    static Range of(Primitive p, List<Range> in, List<TensorType> types, TensorType out) {
        Range result = switch (p) {
            case Unary u -> unary(u.op(), in.get(0), out.dtype());
            case Binary b -> binary(b.op(), in.get(0), in.get(1), out.dtype());
            case Compare c -> Range.BOOL;
            case Select s -> in.get(1).hull(in.get(2));
            case Convert c -> c.to() == DType.BOOL ? Range.BOOL
                    : c.to() == DType.I32 ? new Range(trunc(in.get(0).lo()), trunc(in.get(0).hi())) : in.get(0);
            case Iota i -> new Range(0, i.shape().dim(i.dimension()) - 1);
            case BroadcastInDim b -> in.get(0);
            case Reshape r -> in.get(0);
            case Transpose t -> in.get(0);
            case Rev r -> in.get(0);
            case Slice s -> in.get(0);
            case Pad pd -> in.get(0).hull(in.get(1));
            case Concatenate c -> in.stream().reduce(Range::hull).orElseThrow();
            case ReduceSum r -> in.get(0).sumOf(types.get(0).numel() / Math.max(out.numel(), 1));
            case ReduceMax r -> in.get(0);
            case ArgMax a -> new Range(0, types.get(0).dim(a.axis()) - 1);
            case DotGeneral d -> in.get(0).times(in.get(1)).sumOf(product(types.get(0), d.lhsContract().toArray()));
            case ConvGeneralDilated c -> in.get(0).times(in.get(1)).withZero().sumOf(types.get(1).numel() / types.get(1).dim(0));
            case ReduceWindow w -> w.kind() == WindowKind.SUM
                    ? in.get(0).withZero().sumOf(w.windowDims().stream().asLongStream().reduce(1, (a, b) -> a * b))
                    : maxWindow(in.get(0), w);
            case SelectAndScatterAdd s -> in.get(0).withZero().sumOf(overlaps(s));
            case Gather g -> in.get(0);
            case ScatterAdd s -> in.get(0).plus(in.get(2).withZero().sumOf(indexCount(types.get(1), s.batchDims())));
            case RandomBits r -> Range.INT;
            case RandomSplit r -> Range.INT;
        };
        return switch (out.dtype()) {
            case BOOL -> Range.BOOL;
            case I32 -> result.asInt();
            case F32, F64 -> result;
        };
    }

    private static Range unary(UnaryOp op, Range x, DType dt) {
        return switch (op) {
            case NEG -> new Range(-x.hi(), -x.lo());
            case EXP -> new Range(Math.exp(x.lo()), Math.exp(x.hi()));
            case EXPM1 -> new Range(Math.expm1(x.lo()), Math.expm1(x.hi()));
            case LOG -> x.lo() > 0 ? new Range(Math.log(x.lo()), Math.log(x.hi())) : Range.UNKNOWN;
            case LOG1P -> x.lo() > -1 ? new Range(Math.log1p(x.lo()), Math.log1p(x.hi())) : Range.UNKNOWN;
            case SQRT -> x.lo() >= 0 ? new Range(Math.sqrt(x.lo()), Math.sqrt(x.hi())) : Range.UNKNOWN;
            case RSQRT -> x.lo() > 0 ? new Range(1 / Math.sqrt(x.hi()), 1 / Math.sqrt(x.lo())) : Range.UNKNOWN;
            case TANH -> new Range(Math.tanh(x.lo()), Math.tanh(x.hi()));
            case LOGISTIC -> new Range(0, 1);
            case ABS -> x.lo() >= 0 ? x : x.hi() <= 0 ? new Range(-x.hi(), -x.lo()) : new Range(0, x.magnitude());
            case SIGN, SIN, COS -> Range.UNIT;
            case FLOOR, CEIL, ROUND -> new Range(Math.floor(x.lo()), Math.ceil(x.hi()));
            case NOT -> dt == DType.BOOL ? Range.BOOL : new Range(-x.hi() - 1, -x.lo() - 1);
            case STOP_GRADIENT -> x;
        };
    }

    private static Range binary(BinaryOp op, Range x, Range y, DType dt) {
        return switch (op) {
            case ADD -> x.plus(y);
            case SUB -> x.minus(y);
            case MUL -> x.times(y);
            case DIV -> dt == DType.I32 ? new Range(-x.magnitude(), x.magnitude())
                    : y.lo() > 0 || y.hi() < 0 ? x.times(new Range(1 / y.hi(), 1 / y.lo())) : Range.UNKNOWN;
            case REM -> new Range(-x.magnitude(), x.magnitude());
            case POW -> x.lo() > 0 && y.isFinite() ? pow(x, y) : Range.UNKNOWN;
            case MAX -> new Range(Math.max(x.lo(), y.lo()), Math.max(x.hi(), y.hi()));
            case MIN -> new Range(Math.min(x.lo(), y.lo()), Math.min(x.hi(), y.hi()));
            case AND -> andRange(x, y, dt);
            case OR, XOR -> x.lo() >= 0 && y.lo() >= 0 ? new Range(0, allOnesAbove(Math.max(x.hi(), y.hi()))) : Range.INT;
            case SHIFT_LEFT -> Range.INT;
            case SHIFT_RIGHT_LOGICAL -> x.lo() >= 0 ? new Range(0, x.hi()) : Range.INT; // a shift by 0 keeps the sign
            case SHIFT_RIGHT_ARITHMETIC -> x.hull(new Range(-1, 0));
        };
    }

    /** x & y is non-negative and at most y when y is (and likewise for x). */
    private static Range andRange(Range x, Range y, DType dt) {
        if (dt == DType.BOOL) {
            return Range.BOOL;
        }
        if (x.lo() >= 0 || y.lo() >= 0) {
            return new Range(0, Math.min(x.lo() >= 0 ? x.hi() : Double.POSITIVE_INFINITY, y.lo() >= 0 ? y.hi() : Double.POSITIVE_INFINITY));
        }
        return Range.INT;
    }

    /** b^e = exp(e ln b) is monotone in each argument for b > 0, so the corners bound it. */
    private static Range pow(Range b, Range e) {
        return Range.of(Math.pow(b.lo(), e.lo()), Math.pow(b.lo(), e.hi()), Math.pow(b.hi(), e.lo()), Math.pow(b.hi(), e.hi()));
    }

    private static double allOnesAbove(double v) {
        long n = 1;
        while (n <= v) {
            n <<= 1;
        }
        return n - 1;
    }

    private static double trunc(double v) {
        return v < 0 ? Math.ceil(v) : Math.floor(v);
    }

    private static long product(TensorType t, int[] axes) {
        long n = 1;
        for (int a : axes) {
            n *= t.dim(a);
        }
        return n;
    }

    /** Max pooling sees a real element in every window unless a padding reaches a whole window. */
    private static Range maxWindow(Range x, ReduceWindow w) {
        for (int i = 0; i < w.windowDims().size(); i++) {
            if (w.padLow().get(i) >= w.windowDims().get(i) || w.padHigh().get(i) >= w.windowDims().get(i)) {
                return Range.UNKNOWN;
            }
        }
        return x;
    }

    /** How many windows at most can select one operand position. */
    private static long overlaps(SelectAndScatterAdd s) {
        long n = 1;
        for (int i = 0; i < s.windowDims().size(); i++) {
            n *= (s.windowDims().get(i) + s.strides().get(i) - 1) / s.strides().get(i);
        }
        return n;
    }

    /** Index entries per batch element: each may add one update to the same operand row. */
    private static long indexCount(TensorType indices, int batchDims) {
        long n = 1;
        for (int i = batchDims; i < indices.rank(); i++) {
            n *= indices.dim(i);
        }
        return n;
    }
}
