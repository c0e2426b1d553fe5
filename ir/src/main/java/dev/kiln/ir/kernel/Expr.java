package dev.kiln.ir.kernel;

import dev.kiln.ir.DType;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.CompareOp;
import dev.kiln.ir.prim.UnaryOp;

/**
 * A scalar expression of the kernel IR. The operations mirror the IR's elementwise primitives
 * (same enums, same semantics as the reference interpreter), so a backend renders each one
 * once. Lowering keeps expressions shallow: every computed value is assigned to a {@link Local}.
 */
public sealed interface Expr {
    DType dtype();

    /** A constant (the value held as a double, exact for every f32, i32 and bool). */
    record Const(double value, DType dtype) implements Expr {
    }

    /** The current value of a local. */
    record Read(Local local) implements Expr {
        @Override
        public DType dtype() {
            return local.dtype();
        }
    }

    /** Element {@code index} of a buffer. */
    record Load(BufferRef buffer, Idx index) implements Expr {
        @Override
        public DType dtype() {
            return buffer.dtype();
        }
    }

    /** The value of an index expression, as {@code dtype} (iota). */
    record Index(Idx index, DType dtype) implements Expr {
    }

    record Unary(UnaryOp op, Expr x) implements Expr {
        @Override
        public DType dtype() {
            return x.dtype();
        }
    }

    record Binary(BinaryOp op, Expr a, Expr b) implements Expr {
        @Override
        public DType dtype() {
            return a.dtype();
        }
    }

    record Compare(CompareOp op, Expr a, Expr b) implements Expr {
        @Override
        public DType dtype() {
            return DType.BOOL;
        }
    }

    record Select(Expr pred, Expr onTrue, Expr onFalse) implements Expr {
        @Override
        public DType dtype() {
            return onTrue.dtype();
        }
    }

    record Convert(DType to, Expr x) implements Expr {
        @Override
        public DType dtype() {
            return to;
        }
    }
}
