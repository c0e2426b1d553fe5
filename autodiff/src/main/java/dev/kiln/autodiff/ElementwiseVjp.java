package dev.kiln.autodiff;

import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.CompareOp;
import dev.kiln.ir.prim.Convert;
import dev.kiln.ir.prim.Unary;
import dev.kiln.ir.prim.UnaryOp;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.tracer.Tensor;

/**
 * VJP rules of the elementwise primitives. The derivatives follow JAX's: {@code abs} has slope 1
 * at 0, {@code max}/{@code min} split the cotangent in half between tied operands, {@code pow}'s
 * base gradient is 0 where the exponent is 0 and its exponent gradient is 0 where the base is 0.
 * A rank-0 operand of a larger result gets the sum of its elementwise cotangent.
 */
final class ElementwiseVjp {
    private ElementwiseVjp() {
    }

    static Tensor[] unary(Unary u, VjpCall c) {
        Emitter e = c.e();
        Tensor x = c.in(0), y = c.out(), g = c.ct();
        Tensor[] out = c.none();
        out[0] = switch (u.op()) {
            case NEG -> e.neg(g);
            case EXP -> e.mul(g, y);
            case LOG -> e.div(g, x);
            case LOG1P -> e.div(g, e.add(x, 1));
            case EXPM1 -> e.mul(g, e.add(y, 1));
            case TANH -> e.mul(g, e.rsub(1, e.mul(y, y)));
            case LOGISTIC -> e.mul(g, e.mul(y, e.rsub(1, y)));
            case SQRT -> e.div(e.mul(g, 0.5), y);
            case RSQRT -> e.mul(e.mul(g, -0.5), e.div(y, x));
            case ABS -> e.select(e.compare(CompareOp.GE, x, Emitter.scalar(0, x.dtype())), g, e.neg(g));
            case SIN -> e.mul(g, e.unary(UnaryOp.COS, x));
            case COS -> e.neg(e.mul(g, e.unary(UnaryOp.SIN, x)));
            // Piecewise constant, or not differentiable at all: never reached (see VjpRules.isActive).
            case SIGN, FLOOR, CEIL, ROUND, NOT, STOP_GRADIENT -> null;
        };
        return out;
    }

    static Tensor[] binary(Binary b, VjpCall c) {
        Emitter e = c.e();
        Tensor x = c.in(0), y = c.in(1), z = c.out(), g = c.ct();
        Tensor[] out = c.none();
        switch (b.op()) {
            case ADD -> {
                out[0] = g;
                out[1] = g;
            }
            case SUB -> {
                out[0] = g;
                out[1] = c.needs(1) ? e.neg(g) : null;
            }
            case MUL -> {
                out[0] = c.needs(0) ? e.mul(g, y) : null;
                out[1] = c.needs(1) ? e.mul(g, x) : null;
            }
            case DIV -> {
                out[0] = c.needs(0) ? e.div(g, y) : null;
                out[1] = c.needs(1) ? e.neg(e.div(e.mul(g, z), y)) : null;
            }
            case REM -> {
                // x rem y = x - y * trunc(x / y), and trunc(q) = sign(q) * floor(|q|).
                out[0] = g;
                if (c.needs(1)) {
                    Tensor q = e.div(x, y);
                    Tensor trunc = e.mul(e.unary(UnaryOp.SIGN, q), e.unary(UnaryOp.FLOOR, e.unary(UnaryOp.ABS, q)));
                    out[1] = e.neg(e.mul(g, trunc));
                }
            }
            case POW -> {
                if (c.needs(0)) {
                    Tensor yIsZero = e.compare(CompareOp.EQ, y, Emitter.scalar(0, y.dtype()));
                    Tensor exponent = e.select(yIsZero, Emitter.scalar(1, y.dtype()), e.add(y, -1));
                    out[0] = e.mul(g, e.mul(y, e.binary(BinaryOp.POW, x, exponent)));
                }
                if (c.needs(1)) {
                    Tensor xIsZero = e.compare(CompareOp.EQ, x, Emitter.scalar(0, x.dtype()));
                    Tensor safeX = e.select(xIsZero, Emitter.scalar(1, x.dtype()), x);
                    out[1] = e.mul(g, e.mul(e.unary(UnaryOp.LOG, safeX), z));
                }
            }
            case MAX, MIN -> {
                out[0] = c.needs(0) ? e.mul(g, balancedEq(e, x, z, y)) : null;
                out[1] = c.needs(1) ? e.mul(g, balancedEq(e, y, z, x)) : null;
            }
            // Integer and boolean operations: never active.
            case AND, OR, XOR, SHIFT_LEFT, SHIFT_RIGHT_LOGICAL, SHIFT_RIGHT_ARITHMETIC -> {
            }
        }
        return unbroadcast(c, out);
    }

    /** 1 where {@code x} is the result and {@code other} is not, 1/2 where both are, else 0 (JAX's rule). */
    private static Tensor balancedEq(Emitter e, Tensor x, Tensor result, Tensor other) {
        var dt = x.dtype();
        Tensor xWins = e.compare(CompareOp.EQ, x, result);
        Tensor tie = e.compare(CompareOp.EQ, other, result);
        Tensor share = e.select(tie, Emitter.scalar(0.5, dt), Emitter.scalar(1, dt));
        return e.select(xWins, share, Emitter.scalar(0, dt));
    }

    static Tensor[] select(VjpCall c) {
        Emitter e = c.e();
        Tensor pred = c.in(0), g = c.ct();
        Tensor zero = Emitter.scalar(0, g.dtype());
        Tensor[] out = c.none();
        out[1] = c.needs(1) ? e.select(pred, g, zero) : null;
        out[2] = c.needs(2) ? e.select(pred, zero, g) : null;
        return unbroadcast(c, out);
    }

    static Tensor[] convert(Convert cv, VjpCall c) {
        Tensor[] out = c.none();
        if (c.inType(0).dtype().isFloating() && cv.to().isFloating()) {
            out[0] = c.e().convert(c.ct(), c.inType(0).dtype());
        }
        return out;
    }

    /** Sums the cotangents of rank-0 operands, which broadcast against the result. */
    private static Tensor[] unbroadcast(VjpCall c, Tensor[] cts) {
        for (int i = 0; i < cts.length; i++) {
            if (cts[i] != null) {
                cts[i] = c.needs(i) ? c.e().unbroadcast(cts[i], c.inType(i)) : null;
            }
        }
        return cts;
    }
}
