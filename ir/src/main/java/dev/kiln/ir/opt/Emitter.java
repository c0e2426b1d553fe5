package dev.kiln.ir.opt;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Atom;
import dev.kiln.ir.Constant;
import dev.kiln.ir.DType;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Literal;
import dev.kiln.ir.Shape;
import dev.kiln.ir.SourceLocation;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.BroadcastInDim;
import dev.kiln.ir.prim.Compare;
import dev.kiln.ir.prim.CompareOp;
import dev.kiln.ir.prim.Convert;
import dev.kiln.ir.prim.DotGeneral;
import dev.kiln.ir.prim.Primitive;
import dev.kiln.ir.prim.ReduceSum;
import dev.kiln.ir.prim.Reshape;
import dev.kiln.ir.prim.ScatterAdd;
import dev.kiln.ir.prim.Select;
import dev.kiln.ir.prim.Transpose;
import java.util.List;

/**
 * Emits the equations of a rewrite into a {@link Rewriter}, all at the source line of the equation
 * they replace, skipping the identity forms (a reshape to the same shape, a sum over no axes).
 */
final class Emitter {
    private final Rewriter rw;
    private final SourceLocation at;

    Emitter(Rewriter rw, SourceLocation at) {
        this.rw = rw;
        this.at = at;
    }

    /** What an atom of the graph being rewritten stands for now (use it for every source operand). */
    Atom in(Atom a) {
        return rw.resolve(a);
    }

    Atom emit(Primitive p, Atom... operands) {
        return rw.emit(p, List.of(operands), at);
    }

    Atom reshape(Atom x, Shape s) {
        return x.shape().equals(s) ? x : emit(new Reshape(s), x);
    }

    Atom broadcast(Atom x, Shape s, int... dims) {
        return x.shape().equals(s) && Ints.of(dims).equals(Ints.range(s.rank())) ? x
                : emit(new BroadcastInDim(s, Ints.of(dims)), x);
    }

    Atom transpose(Atom x, int... perm) {
        return Ints.of(perm).equals(Ints.range(perm.length)) ? x : emit(new Transpose(Ints.of(perm)), x);
    }

    Atom mul(Atom a, Atom b) {
        return emit(new Binary(BinaryOp.MUL), a, b);
    }

    Atom sum(Atom x, Ints axes) {
        return axes.isEmpty() ? x : emit(new ReduceSum(axes), x);
    }

    /** {@code sum over every axis but 0 of x*x}: {@code [B]} for {@code x [B, ...]}. */
    Atom squaredNorms(Atom x) {
        return sum(mul(x, x), Ints.range(1, x.type().rank()));
    }

    Atom dot(Atom a, Atom b, Ints lhsContract, Ints rhsContract, Ints lhsBatch, Ints rhsBatch) {
        return emit(new DotGeneral(lhsContract, rhsContract, lhsBatch, rhsBatch), a, b);
    }

    Atom eq(Atom a, Atom b) {
        return emit(new Compare(CompareOp.EQ), a, b);
    }

    /** {@code pred ? x : 0}, elementwise. */
    Atom selectOrZero(Atom pred, Atom x) {
        return emit(new Select(), pred, x, Literal.of(0, x.dtype()));
    }

    Atom convert(Atom x, DType to) {
        return x.dtype() == to ? x : emit(new Convert(to), x);
    }

    Atom scatterAdd(int batchDims, Atom operand, Atom indices, Atom updates) {
        return emit(new ScatterAdd(batchDims), operand, indices, updates);
    }

    /** An array of {@code value} everywhere: a broadcast of a new rank-0 constant. */
    Atom full(double value, TensorType type) {
        return emit(new BroadcastInDim(type.shape(), Ints.empty()), scalar(value, type.dtype()));
    }

    /** A new rank-0 constant (for operands that take no literal, such as a pad's value). */
    Atom scalar(double value, DType dtype) {
        Var scalar = new Var(TensorType.scalar(dtype));
        rw.addConstant(new Constant(scalar, ArrayData.scalar(value, dtype)));
        return scalar;
    }

    /**
     * {@code x * w[b]} along axis {@code axis} of {@code x}, for a per-example factor {@code w}
     * given as an atom of {@code B} elements (see {@link PerExampleUses.WeightedSum#weights}).
     */
    Atom scaleAlong(Atom x, int axis, Atom weights) {
        Atom w = reshape(weights, Shape.of(x.type().dim(axis)));
        return mul(x, broadcast(w, x.shape(), axis));
    }
}
