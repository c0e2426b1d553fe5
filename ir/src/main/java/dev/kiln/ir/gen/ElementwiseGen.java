package dev.kiln.ir.gen;

import dev.kiln.ir.Atom;
import dev.kiln.ir.DType;
import dev.kiln.ir.Literal;
import dev.kiln.ir.Shape;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.Compare;
import dev.kiln.ir.prim.CompareOp;
import dev.kiln.ir.prim.Convert;
import dev.kiln.ir.prim.Select;
import dev.kiln.ir.prim.Unary;
import dev.kiln.ir.prim.UnaryOp;

/** Random unary, binary, comparison, select and convert equations with domain-safe operands. */
final class ElementwiseGen {
    private ElementwiseGen() {
    }

    static void unary(ProgramBuilder b) {
        UnaryOp op = b.choose(UnaryOp.values());
        boolean nonSmooth = switch (op) {
            case FLOOR, CEIL, ROUND, SIGN, STOP_GRADIENT, NOT -> true;
            default -> false;
        };
        DType dt = op == UnaryOp.NOT ? (b.differentiable() || b.rnd.nextBoolean() ? DType.BOOL : DType.I32)
                : op.floatOnly() ? b.floatType() : b.numericType();
        Var x = b.operand(v -> v.dtype() == dt, randomType(b, dt), nonSmooth && b.differentiable());
        x = switch (op) {
            case LOG, LOG1P, SQRT, RSQRT -> b.positive(x);
            case EXP, EXPM1 -> b.range(x).hi() > 5 ? b.bounded(x) : x;
            default -> x;
        };
        b.emit(new Unary(op), x);
    }

    static void binary(ProgramBuilder b) {
        BinaryOp op = b.choose(BinaryOp.values());
        DType dt = switch (op) {
            case POW -> b.floatType();
            case AND, OR, XOR -> b.differentiable() || b.rnd.nextBoolean() ? DType.BOOL : DType.I32;
            case SHIFT_LEFT, SHIFT_RIGHT_LOGICAL, SHIFT_RIGHT_ARITHMETIC -> DType.I32;
            default -> b.numericType();
        };
        // rem is piecewise in its dividend; bitwise operations never see float data.
        boolean independent = b.differentiable() && (op == BinaryOp.REM || !dt.isFloating());
        Var x = b.operand(v -> v.dtype() == dt, randomType(b, dt), independent);
        Atom y = partner(b, x, independent);
        switch (op) {
            case DIV, REM -> y = dt == DType.I32 ? b.positiveInt(y) : positive(b, y);
            case POW -> {
                x = b.positive(x);
                y = y instanceof Var v ? b.bounded(v) : y;
            }
            default -> { }
        }
        boolean guarded = op == BinaryOp.DIV || op == BinaryOp.REM || op == BinaryOp.POW;
        if (!guarded && b.rnd.nextInt(4) == 0 && y instanceof Var) {
            // the scalar or partner first: rank-0 operands broadcast on either side
            b.emit(new Binary(op), y, x);
        } else {
            b.emit(new Binary(op), x, y);
        }
    }

    static void compare(ProgramBuilder b) {
        DType dt = b.differentiable() ? b.choose(b.floatType(), DType.I32) : b.choose(b.floatType(), DType.I32, DType.BOOL);
        Var x = b.operand(v -> v.dtype() == dt, randomType(b, dt), b.differentiable());
        b.emit(new Compare(b.choose(CompareOp.values())), x, partner(b, x, b.differentiable()));
    }

    static void select(ProgramBuilder b) {
        DType dt = b.numericType();
        Var onTrue = b.operand(v -> v.dtype() == dt, randomType(b, dt), false);
        Shape s = onTrue.shape();
        Var pred = b.operand(v -> v.dtype() == DType.BOOL && (v.shape().equals(s) || v.type().rank() == 0),
                new TensorType(DType.BOOL, s), b.differentiable());
        Atom onFalse = partner(b, onTrue, false);
        b.emit(new Select(), pred, onTrue, onFalse);
    }

    static void convert(ProgramBuilder b) {
        DType from = b.choose(b.floatType(), DType.I32, DType.BOOL);
        Var x = b.operand(v -> v.dtype() == from, randomType(b, from), false);
        DType to = !b.usableByNonSmooth(x) ? b.floatType() : b.choose(b.floatType(), DType.I32, DType.BOOL);
        if (from == DType.I32 && to.isFloating()
                || from.isFloating() && to == DType.I32 && !b.range(x).within(-1e9, 1e9)) {
            x = b.bounded(x);
        }
        b.emit(new Convert(to), x);
    }

    /**
     * A second operand for {@code x}: a value of its type, a rank-0 value or literal of its dtype
     * (elementwise operands broadcast from rank 0), or x itself.
     */
    static Atom partner(ProgramBuilder b, Var x, boolean independent) {
        DType dt = x.dtype();
        return switch (b.rnd.nextInt(6)) {
            case 0 -> b.literal(dt);
            case 1 -> b.operandOfType(TensorType.scalar(dt), independent);
            case 2 -> x;
            default -> b.operandOfType(x.type(), independent);
        };
    }

    private static Atom positive(ProgramBuilder b, Atom y) {
        if (y instanceof Literal l) {
            return Literal.of((b.rnd.nextInt(7) + 2) / 4.0 * (b.rnd.nextBoolean() ? 1 : -1), l.dtype());
        }
        return b.positive((Var) y);
    }

    static TensorType randomType(ProgramBuilder b, DType dt) {
        return new TensorType(dt, b.shape(b.rank(0, b.options.maxRank())));
    }
}
