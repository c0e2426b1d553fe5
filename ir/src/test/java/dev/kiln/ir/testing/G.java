package dev.kiln.ir.testing;

import dev.kiln.ir.Atom;
import dev.kiln.ir.DType;
import dev.kiln.ir.GraphBuilder;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Literal;
import dev.kiln.ir.Shape;
import dev.kiln.ir.SourceLocation;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.BroadcastInDim;
import dev.kiln.ir.prim.DotGeneral;
import dev.kiln.ir.prim.Primitive;
import dev.kiln.ir.prim.ReduceMax;
import dev.kiln.ir.prim.ReduceSum;
import dev.kiln.ir.prim.Unary;
import dev.kiln.ir.prim.UnaryOp;
import java.util.List;

/** A terse graph builder for hand-written test graphs. */
public final class G {
    public final GraphBuilder b = new GraphBuilder();

    public Var in(DType d, int... dims) {
        return b.addInput(TensorType.of(d, dims));
    }

    public Var f32(int... dims) {
        return in(DType.F32, dims);
    }

    public Var eq(Primitive p, Atom... operands) {
        return b.addEquation(p, List.of(operands), SourceLocation.UNKNOWN);
    }

    public Var bin(BinaryOp op, Atom a, Atom c) {
        return eq(new Binary(op), a, c);
    }

    public Var add(Atom a, Atom c) {
        return bin(BinaryOp.ADD, a, c);
    }

    public Var mul(Atom a, Atom c) {
        return bin(BinaryOp.MUL, a, c);
    }

    public Var un(UnaryOp op, Atom a) {
        return eq(new Unary(op), a);
    }

    public static Literal lit(double v) {
        return Literal.of(v, DType.F32);
    }

    /** {@code x} broadcast to {@code shape}, operand dims mapped to {@code dims}. */
    public Var bcast(Atom x, int[] shape, int... dims) {
        return eq(new BroadcastInDim(Shape.of(shape), Ints.of(dims)), x);
    }

    public Var sum(Atom x, int... axes) {
        return eq(new ReduceSum(Ints.of(axes)), x);
    }

    public Var max(Atom x, int... axes) {
        return eq(new ReduceMax(Ints.of(axes)), x);
    }

    public Var matmul(Atom x, Atom w) {
        return eq(DotGeneral.matmul(), x, w);
    }

    public dev.kiln.ir.Graph build(Atom... outputs) {
        return b.build(List.of(outputs));
    }
}
