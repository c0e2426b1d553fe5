package dev.kiln.autodiff;

import dev.kiln.ir.DType;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Shape;
import dev.kiln.ir.SourceLocation;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.BroadcastInDim;
import dev.kiln.ir.prim.Compare;
import dev.kiln.ir.prim.CompareOp;
import dev.kiln.ir.prim.Convert;
import dev.kiln.ir.prim.Pad;
import dev.kiln.ir.prim.Primitive;
import dev.kiln.ir.prim.ReduceSum;
import dev.kiln.ir.prim.Reshape;
import dev.kiln.ir.prim.Select;
import dev.kiln.ir.prim.Slice;
import dev.kiln.ir.prim.Transpose;
import dev.kiln.ir.prim.Unary;
import dev.kiln.ir.prim.UnaryOp;
import dev.kiln.tracer.Dispatch;
import dev.kiln.tracer.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Binds primitives for the VJP rules, attributing every new equation to the source line of the
 * equation being differentiated (the Tensor API would attribute them to whatever user frame is on
 * the stack, which is the caller of {@code grad}, not the line that produced the value). Works
 * at the IR level: operands must already agree in dtype and shape (rank-0 operands broadcast), and
 * no-op layout changes emit nothing.
 */
final class Emitter {
    private final SourceLocation source;

    Emitter(SourceLocation source) {
        this.source = source;
    }

    SourceLocation source() {
        return source;
    }

    Tensor bind(Primitive p, Tensor... args) {
        return Dispatch.bind(p, List.of(args), source);
    }

    // ---- elementwise ----

    Tensor unary(UnaryOp op, Tensor x) {
        return bind(new Unary(op), x);
    }

    Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        return bind(new Binary(op), a, b);
    }

    Tensor add(Tensor a, Tensor b) {
        return binary(BinaryOp.ADD, a, b);
    }

    Tensor sub(Tensor a, Tensor b) {
        return binary(BinaryOp.SUB, a, b);
    }

    Tensor mul(Tensor a, Tensor b) {
        return binary(BinaryOp.MUL, a, b);
    }

    Tensor div(Tensor a, Tensor b) {
        return binary(BinaryOp.DIV, a, b);
    }

    Tensor neg(Tensor x) {
        return unary(UnaryOp.NEG, x);
    }

    /** {@code x * c} for a Java constant, kept in {@code x}'s dtype. */
    Tensor mul(Tensor x, double c) {
        return mul(x, scalar(c, x.dtype()));
    }

    Tensor add(Tensor x, double c) {
        return add(x, scalar(c, x.dtype()));
    }

    /** {@code c - x}. */
    Tensor rsub(double c, Tensor x) {
        return sub(scalar(c, x.dtype()), x);
    }

    Tensor compare(CompareOp op, Tensor a, Tensor b) {
        return bind(new Compare(op), a, b);
    }

    Tensor select(Tensor pred, Tensor onTrue, Tensor onFalse) {
        return bind(new Select(), pred, onTrue, onFalse);
    }

    Tensor convert(Tensor x, DType to) {
        return x.dtype() == to ? x : bind(new Convert(to), x);
    }

    // ---- creation ----

    static Tensor scalar(double v, DType dtype) {
        return Tensor.scalar(v, dtype);
    }

    /** Zeros of {@code type}, as a broadcast scalar (never a large constant). */
    Tensor zeros(TensorType type) {
        return full(type, 0);
    }

    Tensor full(TensorType type, double value) {
        Tensor s = scalar(value, type.dtype());
        return type.rank() == 0 ? s : bind(new BroadcastInDim(type.shape(), Ints.empty()), s);
    }

    // ---- layout ----

    Tensor broadcastInDim(Tensor x, Shape shape, Ints dims) {
        if (x.shape().equals(shape) && dims.equals(Ints.range(shape.rank()))) {
            return x;
        }
        return bind(new BroadcastInDim(shape, dims), x);
    }

    Tensor reshape(Tensor x, Shape shape) {
        return x.shape().equals(shape) ? x : bind(new Reshape(shape), x);
    }

    Tensor transpose(Tensor x, int... perm) {
        return isIdentity(perm) ? x : bind(new Transpose(Ints.of(perm)), x);
    }

    Tensor reduceSum(Tensor x, int... axes) {
        return axes.length == 0 ? x : bind(new ReduceSum(Ints.of(axes)), x);
    }

    /** The sum of every element, as a rank-0 tensor. */
    Tensor sumAll(Tensor x) {
        return reduceSum(x, Ints.range(x.rank()).toArray());
    }

    Tensor pad(Tensor x, double value, int[] low, int[] high, int[] interior) {
        boolean noop = Arrays.stream(low).allMatch(v -> v == 0) && Arrays.stream(high).allMatch(v -> v == 0)
                && Arrays.stream(interior).allMatch(v -> v == 0);
        if (noop) {
            return x;
        }
        return bind(new Pad(Ints.of(low), Ints.of(high), Ints.of(interior)), x, scalar(value, x.dtype()));
    }

    Tensor slice(Tensor x, int[] start, int[] limit, int[] strides) {
        boolean noop = Arrays.equals(limit, x.dims()) && Arrays.stream(start).allMatch(v -> v == 0)
                && Arrays.stream(strides).allMatch(v -> v == 1);
        return noop ? x : bind(new Slice(Ints.of(start), Ints.of(limit), Ints.of(strides)), x);
    }

    /** The cotangent of a rank-0 operand of an elementwise primitive: the sum of the full one. */
    Tensor unbroadcast(Tensor ct, TensorType operand) {
        return operand.rank() == 0 && ct.rank() > 0 ? sumAll(ct) : ct;
    }

    static boolean isIdentity(int[] perm) {
        for (int i = 0; i < perm.length; i++) {
            if (perm[i] != i) {
                return false;
            }
        }
        return true;
    }

    /** The inverse permutation: {@code inverse(p)[p[i]] = i}. */
    static int[] inverse(int[] perm) {
        int[] inv = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            inv[perm[i]] = i;
        }
        return inv;
    }
}
