package dev.kiln.codegen.ptx;

import dev.kiln.ir.DType;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.CompareOp;
import dev.kiln.ir.prim.UnaryOp;

/**
 * The kernel IR's scalar operations in PTX, one method per operation family, with the reference
 * interpreter's semantics: i32 arithmetic wraps, integer division by zero gives -1 and its
 * remainder the dividend, shifts take their amount modulo 32, comparisons with NaN are false
 * except {@code ne}, float-to-int conversion truncates and saturates (NaN to 0), bool lives in
 * predicates. Floating-point functions come from {@link PtxMath}.
 */
final class PtxOps {
    private final PtxBuilder b;
    final PtxMath math;

    PtxOps(PtxBuilder b) {
        this.b = b;
        this.math = new PtxMath(b);
    }

    /** A constant of {@code d} in a fresh register. */
    Reg constant(double v, DType d) {
        return switch (d) {
            case BOOL -> b.setp("ne.s32", b.mov(PtxType.B32, v != 0 ? "1" : "0"), 0);
            case I32 -> b.mov(PtxType.B32, Integer.toString((int) v));
            case F32 -> b.mov(PtxType.F32, PtxBuilder.f32(v));
            case F64 -> b.mov(PtxType.F64, PtxBuilder.f64(v));
        };
    }

    Reg unary(UnaryOp op, DType d, Reg x) {
        if (d == DType.BOOL) {
            return switch (op) {
                case NOT -> b.not(x);
                case STOP_GRADIENT -> x;
                default -> throw new IllegalStateException(op + " on bool");
            };
        }
        if (d == DType.I32) {
            return switch (op) {
                case NEG -> b.un(PtxType.B32, "neg.s32", x);
                case ABS -> b.un(PtxType.B32, "abs.s32", x);
                case SIGN -> b.bin(PtxType.B32, "sub.s32", b.selp(PtxType.B32, 1, 0, b.setp("gt.s32", x, 0)),
                        b.selp(PtxType.B32, 1, 0, b.setp("lt.s32", x, 0)));
                case NOT -> b.un(PtxType.B32, "not.b32", x);
                case STOP_GRADIENT -> x;
                default -> throw new IllegalStateException(op + " on i32");
            };
        }
        PtxType t = PtxType.of(d);
        String s = t.decl;
        return switch (op) {
            case NEG -> math.neg(t, x);
            case EXP -> math.exp(t, x);
            case LOG -> math.log(t, x);
            case LOG1P -> math.log1p(t, x);
            case EXPM1 -> math.expm1(t, x);
            case TANH -> math.tanh(t, x);
            case LOGISTIC -> math.logistic(t, x);
            case SQRT -> b.un(t, "sqrt.rn." + s, x);
            case RSQRT -> math.div(t, PtxBuilder.fimm(t, 1), b.un(t, "sqrt.rn." + s, x));
            case ABS -> math.abs(t, x);
            case SIGN -> math.sign(t, x);
            case SIN -> math.sin(t, x);
            case COS -> math.cos(t, x);
            case FLOOR -> b.un(t, "cvt.rmi." + s + "." + s, x);
            case CEIL -> b.un(t, "cvt.rpi." + s + "." + s, x);
            case ROUND -> math.round(t, x);
            case STOP_GRADIENT -> x;
            case NOT -> throw new IllegalStateException("not on a float");
        };
    }

    Reg binary(BinaryOp op, DType d, Reg x, Reg y) {
        if (d == DType.BOOL) {
            return switch (op) {
                case AND -> b.and(x, y);
                case OR -> b.or(x, y);
                case XOR -> b.bin(PtxType.PRED, "xor.pred", x, y);
                default -> throw new IllegalStateException(op + " on bool");
            };
        }
        if (d == DType.I32) {
            return switch (op) {
                case ADD -> b.bin(PtxType.B32, "add.s32", x, y);
                case SUB -> b.bin(PtxType.B32, "sub.s32", x, y);
                case MUL -> b.bin(PtxType.B32, "mul.lo.s32", x, y);
                case DIV -> divRem(x, y, true);
                case REM -> divRem(x, y, false);
                case MAX -> b.bin(PtxType.B32, "max.s32", x, y);
                case MIN -> b.bin(PtxType.B32, "min.s32", x, y);
                case AND -> b.bin(PtxType.B32, "and.b32", x, y);
                case OR -> b.bin(PtxType.B32, "or.b32", x, y);
                case XOR -> b.bin(PtxType.B32, "xor.b32", x, y);
                case SHIFT_LEFT -> b.bin(PtxType.B32, "shl.b32", x, b.bin(PtxType.B32, "and.b32", y, 31));
                case SHIFT_RIGHT_LOGICAL -> b.bin(PtxType.B32, "shr.u32", x, b.bin(PtxType.B32, "and.b32", y, 31));
                case SHIFT_RIGHT_ARITHMETIC -> b.bin(PtxType.B32, "shr.s32", x, b.bin(PtxType.B32, "and.b32", y, 31));
                case POW -> throw new IllegalStateException("pow on i32");
            };
        }
        PtxType t = PtxType.of(d);
        return switch (op) {
            case ADD -> math.add(t, x, y);
            case SUB -> math.sub(t, x, y);
            case MUL -> math.mul(t, x, y);
            case DIV -> math.div(t, x, y);
            case REM -> math.fmod(t, x, y);
            case POW -> math.pow(t, x, y);
            case MAX -> math.maxMin(t, x, y, true);
            case MIN -> math.maxMin(t, x, y, false);
            default -> throw new IllegalStateException(op + " on " + d);
        };
    }

    /** XLA's integer division: by zero gives -1 (remainder: the dividend), {@code MIN / -1} wraps (remainder 0). */
    private Reg divRem(Reg x, Reg y, boolean quotient) {
        Reg zero = b.setp("eq.s32", y, 0), minusOne = b.setp("eq.s32", y, -1);
        Reg safe = b.selp(PtxType.B32, 1, y, b.or(zero, minusOne));
        if (quotient) {
            Reg q = b.bin(PtxType.B32, "div.s32", x, safe);
            q = b.selp(PtxType.B32, b.un(PtxType.B32, "neg.s32", x), q, minusOne);
            return b.selp(PtxType.B32, -1, q, zero);
        }
        Reg r = b.bin(PtxType.B32, "rem.s32", x, safe);
        r = b.selp(PtxType.B32, 0, r, minusOne);
        return b.selp(PtxType.B32, x, r, zero);
    }

    Reg compare(CompareOp op, DType d, Reg x, Reg y) {
        if (d == DType.BOOL) {
            x = b.selp(PtxType.B32, 1, 0, x);
            y = b.selp(PtxType.B32, 1, 0, y);
            d = DType.I32;
        }
        boolean f = d.isFloating();
        String cmp = switch (op) {
            case EQ -> "eq";
            case NE -> f ? "neu" : "ne";
            case LT -> "lt";
            case LE -> "le";
            case GT -> "gt";
            case GE -> "ge";
        };
        return b.setp(cmp + "." + PtxType.arith(d), x, y);
    }

    Reg select(DType d, Reg p, Reg onTrue, Reg onFalse) {
        if (d == DType.BOOL) {
            return b.or(b.and(p, onTrue), b.and(b.not(p), onFalse));
        }
        return b.selp(PtxType.of(d), onTrue, onFalse, p);
    }

    Reg convert(DType from, DType to, Reg x) {
        if (from == to) {
            return x;
        }
        if (to == DType.BOOL) {
            return from == DType.I32 ? b.setp("ne.s32", x, 0) : b.setp("neu." + PtxType.arith(from), x, PtxBuilder.fimm(PtxType.of(from), 0));
        }
        if (from == DType.BOOL) {
            x = b.selp(PtxType.B32, 1, 0, x);
            from = DType.I32;
            if (to == DType.I32) {
                return x;
            }
        }
        String f = PtxType.arith(from), t = PtxType.arith(to);
        if (to == DType.I32) {
            return b.un(PtxType.B32, "cvt.rzi.s32." + f, x);
        }
        if (from == DType.I32 || (from == DType.F64 && to == DType.F32)) {
            return b.un(PtxType.of(to), "cvt.rn." + t + "." + f, x);
        }
        return b.un(PtxType.of(to), "cvt." + t + "." + f, x); // f32 -> f64 is exact
    }
}
