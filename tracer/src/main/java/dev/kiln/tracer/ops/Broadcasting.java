package dev.kiln.tracer.ops;

import dev.kiln.ir.DType;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.Shape;
import dev.kiln.ir.SourceLocation;
import dev.kiln.tracer.Tensor;

/** NumPy's broadcasting and dtype promotion, for the Tensor API (the IR itself never broadcasts). */
public final class Broadcasting {
    private Broadcasting() {
    }

    /** The promoted dtype of two operands: bool &lt; i32 &lt; f32 &lt; f64. */
    public static DType promote(DType a, DType b) {
        return rank(a) >= rank(b) ? a : b;
    }

    private static int rank(DType d) {
        return switch (d) {
            case BOOL -> 0;
            case I32 -> 1;
            case F32 -> 2;
            case F64 -> 3;
        };
    }

    /** The broadcast shape of the operands by NumPy's rules (trailing dimensions aligned). */
    public static Shape shape(String op, Tensor... operands) {
        Shape[] shapes = new Shape[operands.length];
        for (int i = 0; i < shapes.length; i++) {
            shapes[i] = operands[i].shape();
        }
        return shapes(op, describe(operands), shapes);
    }

    /** The broadcast shape of {@code shapes}; {@code what} describes the operands in errors. */
    public static Shape shapes(String op, String what, Shape... shapes) {
        int rank = 0;
        for (Shape s : shapes) {
            rank = Math.max(rank, s.rank());
        }
        int[] out = new int[rank];
        java.util.Arrays.fill(out, 1);
        for (Shape s : shapes) {
            int off = rank - s.rank();
            for (int i = 0; i < s.rank(); i++) {
                int d = s.dim(i);
                int o = out[off + i];
                if (o == 1) {
                    out[off + i] = d;
                } else if (d != 1 && d != o) {
                    throw new KilnException(op, "cannot broadcast " + what + ": dimension "
                            + (off + i) + " of the result would be both " + o + " and " + d,
                            SourceLocation.ofCaller(),
                            "shapes broadcast when, aligned at the right, each dimension is equal or 1");
                }
            }
        }
        return Shape.of(out);
    }

    static String describe(Tensor... operands) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < operands.length; i++) {
            if (i > 0) {
                sb.append(i == operands.length - 1 ? " with " : ", ");
            }
            sb.append(operands[i].type());
        }
        return sb.toString();
    }

    /** {@code t} broadcast to {@code s}; rank-0 tensors stay scalars (the IR broadcasts those). */
    static Tensor expand(Tensor t, Shape s) {
        if (t.rank() == 0 || t.shape().equals(s)) {
            return t;
        }
        return ShapeOps.broadcastTo(t, s);
    }
}
