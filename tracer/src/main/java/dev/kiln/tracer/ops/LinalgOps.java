package dev.kiln.tracer.ops;

import dev.kiln.ir.Ints;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.Shape;
import dev.kiln.ir.SourceLocation;
import dev.kiln.ir.prim.DotGeneral;
import dev.kiln.tracer.Dispatch;
import dev.kiln.tracer.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Matrix products: NumPy's matmul, lax's dot_general, and einsum for one or two operands. */
public final class LinalgOps {
    private LinalgOps() {
    }

    public static Tensor dotGeneral(Tensor lhs, Tensor rhs, int[] lc, int[] rc, int[] lb, int[] rb) {
        var dt = Broadcasting.promote(lhs.dtype(), rhs.dtype());
        lhs = ElementwiseOps.convert(lhs, dt);
        rhs = ElementwiseOps.convert(rhs, dt);
        return Dispatch.bind(new DotGeneral(norm(lhs, lc), norm(rhs, rc), norm(lhs, lb), norm(rhs, rb)), lhs, rhs);
    }

    private static Ints norm(Tensor t, int[] axes) {
        int[] out = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            out[i] = ShapeOps.axis("dot_general", t, axes[i]);
        }
        return Ints.of(out);
    }

    /** NumPy's {@code matmul}. A rank-2 right operand contracts without broadcasting (linear layers). */
    public static Tensor matmul(Tensor a, Tensor b) {
        if (a.rank() == 0 || b.rank() == 0) {
            throw new KilnException("matmul", "operands must have rank >= 1, got " + a.type() + " and " + b.type(),
                    SourceLocation.ofCaller(), "use mul for scalars");
        }
        int ka = a.rank() - 1;
        int kb = b.rank() == 1 ? 0 : b.rank() - 2;
        if (a.shape().dim(ka) != b.shape().dim(kb)) {
            throw new KilnException("matmul", "inner dimensions do not match: " + a.type() + " @ " + b.type()
                    + " (" + a.shape().dim(ka) + " vs " + b.shape().dim(kb) + ")", SourceLocation.ofCaller(),
                    "did you mean to transpose the weight? Linear weights are [out, in]: x.matmul(w.mT())");
        }
        if (b.rank() <= 2) {
            return dotGeneral(a, b, new int[] {ka}, new int[] {kb}, new int[0], new int[0]);
        }
        if (a.rank() == 1) {
            return matmul(a.reshape(1, -1), b).squeeze(-2);
        }
        // Batched: broadcast the leading dimensions to a common shape, then a batched dot_general.
        int nb = Math.max(a.rank(), b.rank()) - 2;
        Shape batch = Broadcasting.shapes("matmul", a.type() + " @ " + b.type(), batchPart(a), batchPart(b));
        Tensor ab = ShapeOps.broadcastTo(a, concat(batch, a.shape().dim(a.rank() - 2), a.shape().dim(ka)));
        Tensor bb = ShapeOps.broadcastTo(b, concat(batch, b.shape().dim(kb), b.shape().dim(b.rank() - 1)));
        int[] bd = Ints.range(nb).toArray();
        return dotGeneral(ab, bb, new int[] {nb + 1}, new int[] {nb}, bd, bd);
    }

    private static Shape batchPart(Tensor t) {
        int[] d = new int[t.rank() - 2 > 0 ? t.rank() - 2 : 0];
        for (int i = 0; i < d.length; i++) {
            d[i] = t.shape().dim(i);
        }
        return Shape.of(d);
    }

    private static Shape concat(Shape batch, int m, int n) {
        int[] d = new int[batch.rank() + 2];
        System.arraycopy(batch.toArray(), 0, d, 0, batch.rank());
        d[batch.rank()] = m;
        d[batch.rank() + 1] = n;
        return Shape.of(d);
    }

    /**
     * Einstein summation over single-letter subscripts for one or two operands, e.g.
     * {@code "bi,oi->bo"}; without {@code ->} the output is the letters used once, sorted.
     */
    public static Tensor einsum(String spec, Tensor... ops) {
        String s = spec.replace(" ", "");
        String[] io = s.split("->", -1);
        String[] ins = io[0].split(",", -1);
        if (ins.length != ops.length || ins.length < 1 || ins.length > 2) {
            throw einsumError(spec, "needs one or two operands matching the subscripts, got " + ops.length);
        }
        for (int i = 0; i < ins.length; i++) {
            if (ins[i].length() != ops[i].rank()) {
                throw einsumError(spec, "operand " + i + " " + ops[i].type() + " has rank " + ops[i].rank()
                        + " but subscripts '" + ins[i] + "'");
            }
            if (ins[i].chars().distinct().count() != ins[i].length()) {
                throw einsumError(spec, "repeated subscripts within one operand (diagonals) are not supported");
            }
        }
        String out = io.length == 2 ? io[1] : implicitOutput(ins);
        // Sum out letters that appear in one operand only and not in the output.
        Tensor[] t = ops.clone();
        String[] sub = ins.clone();
        for (int i = 0; i < t.length; i++) {
            List<Integer> drop = new ArrayList<>();
            for (int k = 0; k < sub[i].length(); k++) {
                char c = sub[i].charAt(k);
                boolean elsewhere = out.indexOf(c) >= 0 || (t.length == 2 && sub[1 - i].indexOf(c) >= 0);
                if (!elsewhere) {
                    drop.add(k);
                }
            }
            if (!drop.isEmpty()) {
                t[i] = ReduceOps.sum(t[i], drop.stream().mapToInt(Integer::intValue).toArray(), false);
                StringBuilder kept = new StringBuilder();
                for (int k = 0; k < sub[i].length(); k++) {
                    if (!drop.contains(k)) {
                        kept.append(sub[i].charAt(k));
                    }
                }
                sub[i] = kept.toString();
            }
        }
        Tensor r;
        String rsub;
        if (t.length == 1) {
            r = t[0];
            rsub = sub[0];
        } else {
            List<Integer> lb = new ArrayList<>(), rb = new ArrayList<>(), lc = new ArrayList<>(), rc = new ArrayList<>();
            StringBuilder batch = new StringBuilder(), lfree = new StringBuilder(), rfree = new StringBuilder();
            for (int k = 0; k < sub[0].length(); k++) {
                char c = sub[0].charAt(k);
                int j = sub[1].indexOf(c);
                if (j >= 0 && out.indexOf(c) >= 0) {
                    lb.add(k);
                    rb.add(j);
                    batch.append(c);
                } else if (j >= 0) {
                    lc.add(k);
                    rc.add(j);
                } else {
                    lfree.append(c);
                }
            }
            for (int k = 0; k < sub[1].length(); k++) {
                if (sub[0].indexOf(sub[1].charAt(k)) < 0) {
                    rfree.append(sub[1].charAt(k));
                }
            }
            r = dotGeneral(t[0], t[1], ints(lc), ints(rc), ints(lb), ints(rb));
            rsub = batch.toString() + lfree + rfree;
        }
        if (rsub.length() != out.length()) {
            throw einsumError(spec, "output subscripts '" + out + "' must each appear in an operand");
        }
        int[] perm = new int[out.length()];
        for (int k = 0; k < perm.length; k++) {
            perm[k] = rsub.indexOf(out.charAt(k));
            if (perm[k] < 0) {
                throw einsumError(spec, "output subscript '" + out.charAt(k) + "' appears in no operand");
            }
        }
        return perm.length == 0 ? r : ShapeOps.transpose(r, perm);
    }

    private static String implicitOutput(String[] ins) {
        String all = String.join("", ins);
        Set<Character> once = new LinkedHashSet<>();
        all.chars().sorted().forEach(c -> {
            if (all.indexOf(c) == all.lastIndexOf(c)) {
                once.add((char) c);
            }
        });
        StringBuilder sb = new StringBuilder();
        once.forEach(sb::append);
        return sb.toString();
    }

    private static int[] ints(List<Integer> l) {
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    private static KilnException einsumError(String spec, String detail) {
        return new KilnException("einsum", "'" + spec + "': " + detail, SourceLocation.ofCaller(), null);
    }
}
