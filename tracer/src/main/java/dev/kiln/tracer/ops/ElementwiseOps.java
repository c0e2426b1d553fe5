package dev.kiln.tracer.ops;

import dev.kiln.ir.DType;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.Shape;
import dev.kiln.ir.SourceLocation;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.Compare;
import dev.kiln.ir.prim.CompareOp;
import dev.kiln.ir.prim.Convert;
import dev.kiln.ir.prim.Select;
import dev.kiln.ir.prim.Unary;
import dev.kiln.ir.prim.UnaryOp;
import dev.kiln.tracer.Dispatch;
import dev.kiln.tracer.Tensor;
import java.util.List;

/** Elementwise Tensor operations: promotion, broadcasting, then one primitive. */
public final class ElementwiseOps {
    private ElementwiseOps() {
    }

    public static Tensor unary(UnaryOp op, Tensor x) {
        if (op.floatOnly() && !x.dtype().isFloating()) {
            x = convert(x, DType.F32);
        }
        return Dispatch.bind(new Unary(op), x);
    }

    public static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        DType dt = Broadcasting.promote(a.dtype(), b.dtype());
        if (op == BinaryOp.POW && !dt.isFloating()) {
            dt = DType.F32;
        }
        a = convert(a, dt);
        b = convert(b, dt);
        Shape s = Broadcasting.shape(op.textName(), a, b);
        return Dispatch.bind(new Binary(op), Broadcasting.expand(a, s), Broadcasting.expand(b, s));
    }

    public static Tensor binary(BinaryOp op, Tensor a, double c) {
        return binary(op, a, weakScalar(a, c));
    }

    public static Tensor compare(CompareOp op, Tensor a, Tensor b) {
        DType dt = Broadcasting.promote(a.dtype(), b.dtype());
        a = convert(a, dt);
        b = convert(b, dt);
        Shape s = Broadcasting.shape(op.textName(), a, b);
        return Dispatch.bind(new Compare(op), Broadcasting.expand(a, s), Broadcasting.expand(b, s));
    }

    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        if (cond.dtype() != DType.BOOL) {
            throw new KilnException("where", "condition must be bool, got " + cond.type(), SourceLocation.ofCaller(),
                    "compare first, e.g. x.gt(0)");
        }
        DType dt = Broadcasting.promote(a.dtype(), b.dtype());
        a = convert(a, dt);
        b = convert(b, dt);
        Shape s = Broadcasting.shape("where", cond, a, b);
        return Dispatch.bind(new Select(),
                List.of(Broadcasting.expand(cond, s), Broadcasting.expand(a, s), Broadcasting.expand(b, s)));
    }

    public static Tensor convert(Tensor x, DType to) {
        return x.dtype() == to ? x : Dispatch.bind(new Convert(to), x);
    }

    /**
     * A Java number as a scalar that does not promote {@code like}: it takes {@code like}'s dtype,
     * except that a fractional number next to an integer or bool tensor is f32 (as in JAX).
     */
    public static Tensor weakScalar(Tensor like, double c) {
        DType d = like.dtype();
        DType dt;
        if (d.isFloating()) {
            dt = d;
        } else if (c == Math.rint(c) && !Double.isInfinite(c)) {
            dt = d == DType.BOOL ? DType.I32 : d;
        } else {
            dt = DType.F32;
        }
        return Tensor.scalar(c, dt);
    }
}
