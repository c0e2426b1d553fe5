package dev.kiln.ir.opt;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Atom;
import dev.kiln.ir.Constant;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Literal;
import dev.kiln.ir.Shape;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.BroadcastInDim;
import dev.kiln.ir.prim.Concatenate;
import dev.kiln.ir.prim.Convert;
import dev.kiln.ir.prim.Pad;
import dev.kiln.ir.prim.ReduceMax;
import dev.kiln.ir.prim.ReduceSum;
import dev.kiln.ir.prim.Reshape;
import dev.kiln.ir.prim.Rev;
import dev.kiln.ir.prim.Select;
import dev.kiln.ir.prim.Slice;
import dev.kiln.ir.prim.Transpose;
import dev.kiln.ir.prim.Unary;
import dev.kiln.ir.prim.UnaryOp;
import java.util.ArrayList;
import java.util.List;

/**
 * Local algebraic rewrites that never change a result beyond the sign of a zero: {@code x*1},
 * {@code 1*x}, {@code x+0}, {@code 0+x}, {@code x-0}, {@code x/1}, {@code neg(neg x)}, transpose
 * of transpose, reshape of reshape, broadcast of broadcast, and the identity forms of transpose,
 * reshape, broadcast, convert, slice, pad, rev, concatenate and reductions; {@code select} with a
 * constant predicate; and rank-0 constant operands of elementwise primitives become literals
 * (which the code generators keep in registers).
 *
 * <p>{@code x+0 -> x} turns {@code -0.0 + 0.0 = 0.0} into {@code -0.0}, as XLA's simplifier does;
 * the two compare equal.
 */
public final class AlgebraicSimplifier implements GraphPass {
    @Override
    public String name() {
        return "simplify";
    }

    @Override
    public Graph run(Graph g) {
        Rewriter rw = new Rewriter(g);
        for (Equation eq : g.equations()) {
            List<Atom> in = literalsForScalarConstants(eq, rw.resolveAll(eq.inputs()), rw);
            Atom replacement = simplify(eq, in, rw);
            if (replacement == null) {
                rw.keep(eq, in);
            } else {
                rw.replace(eq.out(), replacement);
            }
        }
        return rw.changed() ? rw.build() : g;
    }

    private static List<Atom> literalsForScalarConstants(Equation eq, List<Atom> in, Rewriter rw) {
        if (!eq.primitive().isElementwise()) {
            return in;
        }
        List<Atom> out = new ArrayList<>(in.size());
        for (Atom a : in) {
            Constant c = rw.constantOf(a);
            out.add(c != null && c.value().shape().rank() == 0 ? Literal.of(c.value().getDouble(0), c.value().dtype()) : a);
        }
        return out;
    }

    /** The atom that replaces {@code eq}'s result, or null to keep it. May emit a new equation. */
    private static Atom simplify(Equation eq, List<Atom> in, Rewriter rw) {
        TensorType out = eq.out().type();
        Atom x = in.isEmpty() ? null : in.get(0);
        return switch (eq.primitive()) {
            case Binary b -> binary(b.op(), in, out, rw);
            case Unary u -> {
                Equation d = rw.definition(x);
                yield u.op() == UnaryOp.NEG && d != null && d.primitive() instanceof Unary inner
                        && inner.op() == UnaryOp.NEG ? d.input(0) : null;
            }
            case Convert c -> x.dtype() == c.to() ? x : null;
            case Transpose t -> transpose(eq, t, x, rw);
            case Reshape r -> reshape(eq, r, x, rw);
            case BroadcastInDim b -> broadcast(eq, b, x, rw);
            case Select s -> select(in, out, rw);
            case Slice s -> isIdentitySlice(s, x.shape()) ? x : null;
            case Pad p -> isZero(p.low()) && isZero(p.high()) && isZero(p.interior()) ? x : null;
            case Rev r -> r.dimensions().stream().allMatch(d -> x.shape().dim(d) <= 1) ? x : null;
            case Concatenate c -> in.size() == 1 ? x : null;
            case ReduceSum r -> r.axes().isEmpty() ? x : null;
            case ReduceMax r -> r.axes().isEmpty() ? x : null;
            default -> null;
        };
    }

    private static Atom binary(BinaryOp op, List<Atom> in, TensorType out, Rewriter rw) {
        Atom a = in.get(0), b = in.get(1);
        Atom keep = switch (op) {
            case ADD -> isScalar(b, 0, rw) ? a : isScalar(a, 0, rw) ? b : null;
            case SUB -> isScalar(b, 0, rw) ? a : null;
            case MUL -> isScalar(b, 1, rw) ? a : isScalar(a, 1, rw) ? b : null;
            case DIV -> isScalar(b, 1, rw) ? a : null;
            default -> null;
        };
        // The survivor must already have the result's shape: x:[] + zeros:[3] is a broadcast, not x.
        return keep != null && keep.type().equals(out) ? keep : null;
    }

    private static Atom transpose(Equation eq, Transpose t, Atom x, Rewriter rw) {
        Ints perm = t.permutation();
        if (perm.equals(Ints.range(perm.size()))) {
            return x;
        }
        Equation d = rw.definition(x);
        if (d != null && d.primitive() instanceof Transpose inner) {
            int[] composed = new int[perm.size()];
            for (int i = 0; i < composed.length; i++) {
                composed[i] = inner.permutation().get(perm.get(i));
            }
            Ints c = Ints.of(composed);
            return c.equals(Ints.range(c.size())) ? d.input(0)
                    : rw.emit(new Transpose(c), List.of(d.input(0)), eq.source());
        }
        return null;
    }

    private static Atom reshape(Equation eq, Reshape r, Atom x, Rewriter rw) {
        if (x.shape().equals(r.newShape())) {
            return x;
        }
        Equation d = rw.definition(x);
        if (d != null && d.primitive() instanceof Reshape) {
            Atom inner = d.input(0);
            return inner.shape().equals(r.newShape()) ? inner : rw.emit(r, List.of(inner), eq.source());
        }
        return null;
    }

    private static Atom broadcast(Equation eq, BroadcastInDim b, Atom x, Rewriter rw) {
        Shape target = b.shape();
        if (x.shape().equals(target) && b.broadcastDimensions().equals(Ints.range(target.rank()))) {
            return x;
        }
        Equation d = rw.definition(x);
        if (d != null && d.primitive() instanceof BroadcastInDim inner) {
            Ints innerDims = inner.broadcastDimensions();
            int[] composed = new int[innerDims.size()];
            for (int i = 0; i < composed.length; i++) {
                composed[i] = b.broadcastDimensions().get(innerDims.get(i));
            }
            return rw.emit(new BroadcastInDim(target, Ints.of(composed)), List.of(d.input(0)), eq.source());
        }
        return null;
    }

    private static Atom select(List<Atom> in, TensorType out, Rewriter rw) {
        Double p = uniformValue(in.get(0), rw);
        if (p == null) {
            return null;
        }
        Atom chosen = p != 0 ? in.get(1) : in.get(2);
        return chosen.type().equals(out) ? chosen : null;
    }

    private static boolean isIdentitySlice(Slice s, Shape x) {
        for (int i = 0; i < x.rank(); i++) {
            if (s.start().get(i) != 0 || s.limit().get(i) != x.dim(i) || (s.strides().get(i) != 1 && x.dim(i) > 1)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isZero(Ints v) {
        return v.stream().allMatch(i -> i == 0);
    }

    private static boolean isScalar(Atom a, double v, Rewriter rw) {
        Double u = uniformValue(a, rw);
        return u != null && u == v;
    }

    /** The value of a literal, or of a constant whose elements are all equal; null otherwise. */
    static Double uniformValue(Atom a, Rewriter rw) {
        if (a instanceof Literal l) {
            return l.value();
        }
        Constant c = rw.constantOf(a);
        if (c == null || c.value().size() == 0) {
            return null;
        }
        ArrayData d = c.value();
        double first = d.getDouble(0);
        for (int i = 1; i < d.size(); i++) {
            if (Double.compare(d.getDouble(i), first) != 0) {
                return null;
            }
        }
        return first;
    }
}
