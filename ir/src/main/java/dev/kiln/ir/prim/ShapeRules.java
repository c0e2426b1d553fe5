package dev.kiln.ir.prim;

import dev.kiln.ir.DType;
import dev.kiln.ir.Ints;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.Shape;
import dev.kiln.ir.TensorType;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The shape and dtype rule of every primitive: given the operands' types, the result's type, or a
 * {@link KilnException} naming the primitive and the offending shapes. Used when building graphs,
 * by the verifier and by the parser.
 *
 * <p>Elementwise primitives take operands of one shape, except that rank-0 operands broadcast
 * against the others (so {@code mul x 2.0:f32} needs no broadcast equation).
 */
public final class ShapeRules {
    private ShapeRules() {
    }

    /** The result type of {@code p} applied to operands of {@code in}. */
    public static TensorType infer(Primitive p, List<TensorType> in) {
        return switch (p) {
            case Unary u -> unary(u, in);
            case Binary b -> binary(b, in);
            case Compare c -> compare(c, in);
            case Select s -> select(in);
            case Convert c -> new TensorType(c.to(), elementwiseShape("convert", arity("convert", in, 1)));
            case Iota i -> iota(i, in);
            case BroadcastInDim b -> broadcastInDim(b, in);
            case Reshape r -> reshape(r, in);
            case Transpose t -> transpose(t, in);
            case Rev r -> rev(r, in);
            case Slice s -> slice(s, in);
            case Pad pd -> pad(pd, in);
            case Concatenate c -> concatenate(c, in);
            case ReduceSum r -> reduce("reduce_sum", r.axes(), in);
            case ReduceMax r -> reduce("reduce_max", r.axes(), in);
            case ArgMax a -> argmax(a, in);
            case DotGeneral d -> dotGeneral(d, in);
            case ConvGeneralDilated c -> conv(c, in);
            case ReduceWindow w -> reduceWindow(w, in);
            case SelectAndScatterAdd s -> selectAndScatterAdd(s, in);
            case Gather g -> gather(g, in);
            case ScatterAdd s -> scatterAdd(s, in);
            case RandomBits r -> randomBits(r, in);
            case RandomSplit r -> randomSplit(r, in);
        };
    }

    // ---- elementwise ----

    private static TensorType unary(Unary u, List<TensorType> in) {
        String op = u.name();
        TensorType x = arity(op, in, 1).get(0);
        if (u.op() == UnaryOp.NOT) {
            if (x.dtype() != DType.BOOL && x.dtype() != DType.I32) {
                throw err(op, "needs a bool or i32 operand, got " + x);
            }
        } else if (u.op().floatOnly() && !x.dtype().isFloating()) {
            throw err(op, "needs a floating-point operand, got " + x, "convert it first, e.g. x.astype(DType.F32)");
        } else if (x.dtype() == DType.BOOL && u.op() != UnaryOp.STOP_GRADIENT) {
            throw err(op, "is not defined on bool, got " + x);
        }
        return x;
    }

    private static TensorType binary(Binary b, List<TensorType> in) {
        String op = b.name();
        arity(op, in, 2);
        DType dt = sameDtype(op, in);
        BinaryOp o = b.op();
        if (o.isBitwise()) {
            boolean shift = o == BinaryOp.SHIFT_LEFT || o == BinaryOp.SHIFT_RIGHT_LOGICAL || o == BinaryOp.SHIFT_RIGHT_ARITHMETIC;
            if (dt != DType.I32 && (shift || dt != DType.BOOL)) {
                throw err(op, "needs " + (shift ? "i32" : "i32 or bool") + " operands, got " + types(in));
            }
        } else if (dt == DType.BOOL) {
            throw err(op, "is not defined on bool operands, got " + types(in));
        } else if (o == BinaryOp.POW && !dt.isFloating()) {
            throw err(op, "needs floating-point operands, got " + types(in));
        }
        return new TensorType(dt, elementwiseShape(op, in));
    }

    private static TensorType compare(Compare c, List<TensorType> in) {
        arity(c.name(), in, 2);
        sameDtype(c.name(), in);
        return new TensorType(DType.BOOL, elementwiseShape(c.name(), in));
    }

    private static TensorType select(List<TensorType> in) {
        arity("select", in, 3);
        if (in.get(0).dtype() != DType.BOOL) {
            throw err("select", "predicate must be bool, got " + in.get(0));
        }
        DType dt = sameDtype("select", in.subList(1, 3));
        return new TensorType(dt, elementwiseShape("select", in));
    }

    /** The common shape of the non-scalar operands, which must agree; scalars broadcast. */
    private static Shape elementwiseShape(String op, List<TensorType> in) {
        Shape s = null;
        for (TensorType t : in) {
            if (t.rank() == 0) {
                continue;
            }
            if (s == null) {
                s = t.shape();
            } else if (!s.equals(t.shape())) {
                throw err(op, "operand shapes differ: " + types(in),
                        "IR operands must have equal shapes; broadcast explicitly (Tensor ops do this for you)");
            }
        }
        return s == null ? Shape.scalar() : s;
    }

    private static DType sameDtype(String op, List<TensorType> in) {
        DType dt = in.get(0).dtype();
        for (TensorType t : in) {
            if (t.dtype() != dt) {
                throw err(op, "operand dtypes differ: " + types(in), "convert one operand with astype(...)");
            }
        }
        return dt;
    }

    // ---- creation and layout ----

    private static TensorType iota(Iota i, List<TensorType> in) {
        arity("iota", in, 0);
        if (i.dtype() == DType.BOOL) {
            throw err("iota", "dtype must be numeric, got bool");
        }
        if (i.dimension() < 0 || i.dimension() >= i.shape().rank()) {
            throw err("iota", "dimension " + i.dimension() + " out of range for shape " + i.shape());
        }
        return new TensorType(i.dtype(), i.shape());
    }

    private static TensorType broadcastInDim(BroadcastInDim b, List<TensorType> in) {
        TensorType x = arity("broadcast_in_dim", in, 1).get(0);
        Ints bd = b.broadcastDimensions();
        Shape out = b.shape();
        if (bd.size() != x.rank()) {
            throw err("broadcast_in_dim", "operand " + x + " has rank " + x.rank() + " but broadcast_dimensions "
                    + bd + " has " + bd.size() + " entries");
        }
        for (int i = 0; i < bd.size(); i++) {
            int d = bd.get(i);
            if (d < 0 || d >= out.rank() || (i > 0 && d <= bd.get(i - 1))) {
                throw err("broadcast_in_dim", "broadcast_dimensions " + bd + " must be increasing and within rank "
                        + out.rank() + " of target shape " + out);
            }
            if (x.dim(i) != 1 && x.dim(i) != out.dim(d)) {
                throw err("broadcast_in_dim", "cannot broadcast " + x + " to " + out + ": operand dim " + i + " ("
                        + x.dim(i) + ") vs target dim " + d + " (" + out.dim(d) + ")");
            }
        }
        return x.withShape(out);
    }

    private static TensorType reshape(Reshape r, List<TensorType> in) {
        TensorType x = arity("reshape", in, 1).get(0);
        if (x.numel() != r.newShape().numel()) {
            throw err("reshape", "cannot reshape " + x + " (" + x.numel() + " elements) to " + r.newShape()
                    + " (" + r.newShape().numel() + " elements)");
        }
        return x.withShape(r.newShape());
    }

    private static TensorType transpose(Transpose t, List<TensorType> in) {
        TensorType x = arity("transpose", in, 1).get(0);
        Ints perm = t.permutation();
        checkPermutation("transpose", perm, x);
        int[] out = new int[x.rank()];
        for (int i = 0; i < out.length; i++) {
            out[i] = x.dim(perm.get(i));
        }
        return x.withShape(Shape.of(out));
    }

    private static TensorType rev(Rev r, List<TensorType> in) {
        TensorType x = arity("rev", in, 1).get(0);
        checkDistinctAxes("rev", r.dimensions(), x, false);
        return x;
    }

    private static TensorType slice(Slice s, List<TensorType> in) {
        TensorType x = arity("slice", in, 1).get(0);
        int r = x.rank();
        if (s.start().size() != r || s.limit().size() != r || s.strides().size() != r) {
            throw err("slice", "start " + s.start() + ", limit " + s.limit() + " and strides " + s.strides()
                    + " must each have one entry per dimension of " + x);
        }
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int lo = s.start().get(i), hi = s.limit().get(i), st = s.strides().get(i);
            if (lo < 0 || hi > x.dim(i) || lo > hi || st < 1) {
                throw err("slice", "dimension " + i + ": [" + lo + ":" + hi + ":" + st + "] is out of range for "
                        + x + " (need 0 <= start <= limit <= " + x.dim(i) + ", stride >= 1)");
            }
            out[i] = (hi - lo + st - 1) / st;
        }
        return x.withShape(Shape.of(out));
    }

    private static TensorType pad(Pad p, List<TensorType> in) {
        arity("pad", in, 2);
        TensorType x = in.get(0), v = in.get(1);
        if (v.rank() != 0 || v.dtype() != x.dtype()) {
            throw err("pad", "padding value must be a scalar of the operand's dtype, got operand " + x + " and value " + v);
        }
        int r = x.rank();
        if (p.low().size() != r || p.high().size() != r || p.interior().size() != r) {
            throw err("pad", "low " + p.low() + ", high " + p.high() + " and interior " + p.interior()
                    + " must each have one entry per dimension of " + x);
        }
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int d = x.dim(i);
            int interior = p.interior().get(i);
            if (interior < 0) {
                throw err("pad", "interior padding must be non-negative, got " + p.interior());
            }
            out[i] = p.low().get(i) + p.high().get(i) + d + Math.max(d - 1, 0) * interior;
            if (out[i] < 0) {
                throw err("pad", "padding " + p.low() + "/" + p.high() + " crops " + x + " below zero size in dimension " + i);
            }
        }
        return x.withShape(Shape.of(out));
    }

    private static TensorType concatenate(Concatenate c, List<TensorType> in) {
        if (in.isEmpty()) {
            throw err("concatenate", "needs at least one operand");
        }
        DType dt = sameDtype("concatenate", in);
        TensorType first = in.get(0);
        int dim = c.dimension();
        if (dim < 0 || dim >= first.rank()) {
            throw err("concatenate", "dimension " + dim + " out of range for " + first);
        }
        int total = 0;
        for (TensorType t : in) {
            if (t.rank() != first.rank()) {
                throw err("concatenate", "operand ranks differ: " + types(in));
            }
            for (int i = 0; i < t.rank(); i++) {
                if (i != dim && t.dim(i) != first.dim(i)) {
                    throw err("concatenate", "operand shapes differ outside dimension " + dim + ": " + types(in));
                }
            }
            total += t.dim(dim);
        }
        int[] out = first.shape().toArray();
        out[dim] = total;
        return new TensorType(dt, Shape.of(out));
    }

    // ---- reductions ----

    private static TensorType reduce(String op, Ints axes, List<TensorType> in) {
        TensorType x = arity(op, in, 1).get(0);
        if (x.dtype() == DType.BOOL) {
            throw err(op, "is not defined on bool, got " + x);
        }
        checkDistinctAxes(op, axes, x, true);
        int[] out = new int[x.rank() - axes.size()];
        for (int i = 0, j = 0; i < x.rank(); i++) {
            if (!axes.contains(i)) {
                out[j++] = x.dim(i);
            }
        }
        return x.withShape(Shape.of(out));
    }

    private static TensorType argmax(ArgMax a, List<TensorType> in) {
        TensorType x = arity("argmax", in, 1).get(0);
        if (a.axis() < 0 || a.axis() >= x.rank()) {
            throw err("argmax", "axis " + a.axis() + " out of range for " + x);
        }
        if (a.indexDtype() != DType.I32) {
            throw err("argmax", "index dtype must be i32, got " + a.indexDtype());
        }
        if (x.dim(a.axis()) == 0) {
            throw err("argmax", "axis " + a.axis() + " of " + x + " is empty");
        }
        return new TensorType(a.indexDtype(), x.shape().without(a.axis()));
    }

    // ---- contractions ----

    private static TensorType dotGeneral(DotGeneral d, List<TensorType> in) {
        arity("dot_general", in, 2);
        TensorType l = in.get(0), r = in.get(1);
        DType dt = sameDtype("dot_general", in);
        if (dt == DType.BOOL) {
            throw err("dot_general", "is not defined on bool, got " + types(in));
        }
        if (d.lhsContract().size() != d.rhsContract().size() || d.lhsBatch().size() != d.rhsBatch().size()) {
            throw err("dot_general", "contracting dims " + d.lhsContract() + "/" + d.rhsContract()
                    + " and batch dims " + d.lhsBatch() + "/" + d.rhsBatch() + " must pair up");
        }
        checkDims("dot_general", "lhs", l, d.lhsContract(), d.lhsBatch());
        checkDims("dot_general", "rhs", r, d.rhsContract(), d.rhsBatch());
        for (int i = 0; i < d.lhsContract().size(); i++) {
            int a = d.lhsContract().get(i), b = d.rhsContract().get(i);
            if (l.dim(a) != r.dim(b)) {
                throw err("dot_general", "contracting dims do not match: lhs " + l + " dim " + a + " (" + l.dim(a)
                        + ") vs rhs " + r + " dim " + b + " (" + r.dim(b) + ")",
                        "did you mean to transpose the weight? Linear weights are [out, in].");
            }
        }
        int[] out = new int[l.rank() + r.rank() - 2 * d.lhsContract().size() - d.lhsBatch().size()];
        int k = 0;
        for (int i = 0; i < d.lhsBatch().size(); i++) {
            int a = d.lhsBatch().get(i), b = d.rhsBatch().get(i);
            if (l.dim(a) != r.dim(b)) {
                throw err("dot_general", "batch dims do not match: lhs " + l + " dim " + a + " (" + l.dim(a)
                        + ") vs rhs " + r + " dim " + b + " (" + r.dim(b) + ")");
            }
            out[k++] = l.dim(a);
        }
        for (int i = 0; i < l.rank(); i++) {
            if (!d.lhsContract().contains(i) && !d.lhsBatch().contains(i)) {
                out[k++] = l.dim(i);
            }
        }
        for (int i = 0; i < r.rank(); i++) {
            if (!d.rhsContract().contains(i) && !d.rhsBatch().contains(i)) {
                out[k++] = r.dim(i);
            }
        }
        return new TensorType(dt, Shape.of(out));
    }

    private static void checkDims(String op, String side, TensorType t, Ints contract, Ints batch) {
        boolean[] used = new boolean[t.rank()];
        for (Ints dims : List.of(contract, batch)) {
            for (int i = 0; i < dims.size(); i++) {
                int a = dims.get(i);
                if (a < 0 || a >= t.rank()) {
                    throw err(op, side + " dimension " + a + " out of range for " + t);
                }
                if (used[a]) {
                    throw err(op, side + " dimension " + a + " of " + t + " is named twice in contract "
                            + contract + " / batch " + batch);
                }
                used[a] = true;
            }
        }
    }

    private static TensorType conv(ConvGeneralDilated c, List<TensorType> in) {
        String op = "conv_general_dilated";
        arity(op, in, 2);
        TensorType l = in.get(0), r = in.get(1);
        DType dt = sameDtype(op, in);
        if (!dt.isFloating()) {
            throw err(op, "needs floating-point operands, got " + types(in));
        }
        int n = c.spatialRank();
        if (l.rank() != n + 2 || r.rank() != n + 2) {
            throw err(op, "expected lhs [N,C," + n + " spatial] and rhs [O,I," + n + " spatial], got " + types(in));
        }
        for (Ints v : List.of(c.padLow(), c.padHigh(), c.lhsDilation(), c.rhsDilation())) {
            if (v.size() != n) {
                throw err(op, "strides " + c.windowStrides() + ", padding " + c.padLow() + "/" + c.padHigh()
                        + " and dilations " + c.lhsDilation() + "/" + c.rhsDilation() + " must have " + n + " entries each");
            }
        }
        int g = c.featureGroupCount(), bg = c.batchGroupCount();
        int batch = l.dim(0), features = l.dim(1), outFeatures = r.dim(0), inFeatures = r.dim(1);
        if (g < 1 || bg < 1 || (g > 1 && bg > 1)) {
            throw err(op, "feature_group_count " + g + " and batch_group_count " + bg + " must be >= 1 and not both > 1");
        }
        if (features != inFeatures * g) {
            throw err(op, "lhs " + l + " has " + features + " input features but rhs " + r + " expects "
                    + inFeatures + " x feature_group_count " + g + " = " + inFeatures * g);
        }
        if (outFeatures % g != 0 || outFeatures % bg != 0) {
            throw err(op, "rhs " + r + " output features " + outFeatures + " must divide by the group counts "
                    + g + " / " + bg);
        }
        if (batch % bg != 0) {
            throw err(op, "lhs batch " + batch + " of " + l + " must divide by batch_group_count " + bg);
        }
        int[] out = new int[n + 2];
        out[0] = batch / bg;
        out[1] = outFeatures;
        for (int i = 0; i < n; i++) {
            int stride = c.windowStrides().get(i), ld = c.lhsDilation().get(i), rd = c.rhsDilation().get(i);
            if (stride < 1 || ld < 1 || rd < 1) {
                throw err(op, "strides and dilations must be >= 1, got strides " + c.windowStrides()
                        + ", dilations " + c.lhsDilation() + "/" + c.rhsDilation());
            }
            int size = l.dim(i + 2);
            int dilated = size == 0 ? 0 : (size - 1) * ld + 1;
            int padded = dilated + c.padLow().get(i) + c.padHigh().get(i);
            int k = r.dim(i + 2);
            int window = k == 0 ? 0 : (k - 1) * rd + 1;
            out[i + 2] = padded < window ? 0 : (padded - window) / stride + 1;
            if (padded < 0) {
                throw err(op, "padding " + c.padLow() + "/" + c.padHigh() + " crops " + l + " below zero size");
            }
        }
        return new TensorType(dt, Shape.of(out));
    }

    // ---- windows ----

    private static TensorType reduceWindow(ReduceWindow w, List<TensorType> in) {
        TensorType x = arity("reduce_window", in, 1).get(0);
        if (x.dtype() == DType.BOOL) {
            throw err("reduce_window", "is not defined on bool, got " + x);
        }
        return x.withShape(windowOutput("reduce_window", x, w.windowDims(), w.strides(), w.padLow(), w.padHigh()));
    }

    private static TensorType selectAndScatterAdd(SelectAndScatterAdd s, List<TensorType> in) {
        String op = "select_and_scatter_add";
        arity(op, in, 2);
        TensorType source = in.get(0), operand = in.get(1);
        sameDtype(op, in);
        Shape expect = windowOutput(op, operand, s.windowDims(), s.strides(), s.padLow(), s.padHigh());
        if (!expect.equals(source.shape())) {
            throw err(op, "source " + source + " must have the pooled shape " + expect + " of operand " + operand);
        }
        return operand;
    }

    private static Shape windowOutput(String op, TensorType x, Ints window, Ints strides, Ints lo, Ints hi) {
        int r = x.rank();
        if (window.size() != r || strides.size() != r || lo.size() != r || hi.size() != r) {
            throw err(op, "window " + window + ", strides " + strides + " and padding " + lo + "/" + hi
                    + " must each have one entry per dimension of " + x);
        }
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int w = window.get(i), s = strides.get(i);
            if (w < 1 || s < 1 || lo.get(i) < 0 || hi.get(i) < 0) {
                throw err(op, "window " + window + " and strides " + strides + " must be >= 1, padding "
                        + lo + "/" + hi + " >= 0");
            }
            int padded = x.dim(i) + lo.get(i) + hi.get(i);
            out[i] = padded < w ? 0 : (padded - w) / s + 1;
        }
        return Shape.of(out);
    }

    // ---- indexing ----

    private static TensorType gather(Gather g, List<TensorType> in) {
        arity("gather", in, 2);
        TensorType operand = in.get(0), idx = in.get(1);
        int nb = g.batchDims();
        checkIndexOperands("gather", nb, operand, idx);
        int[] out = new int[idx.rank() + operand.rank() - nb - 1];
        int k = 0;
        for (int i = 0; i < idx.rank(); i++) {
            out[k++] = idx.dim(i);
        }
        for (int i = nb + 1; i < operand.rank(); i++) {
            out[k++] = operand.dim(i);
        }
        return operand.withShape(Shape.of(out));
    }

    private static TensorType scatterAdd(ScatterAdd s, List<TensorType> in) {
        arity("scatter_add", in, 3);
        TensorType operand = in.get(0), idx = in.get(1), upd = in.get(2);
        int nb = s.batchDims();
        checkIndexOperands("scatter_add", nb, operand, idx);
        TensorType expected = gather(new Gather(nb), List.of(operand, idx));
        if (!expected.equals(upd)) {
            throw err("scatter_add", "updates " + upd + " must be " + expected + " for operand " + operand
                    + " and indices " + idx);
        }
        return operand;
    }

    private static void checkIndexOperands(String op, int nb, TensorType operand, TensorType idx) {
        if (idx.dtype() != DType.I32) {
            throw err(op, "indices must be i32, got " + idx);
        }
        if (operand.dtype() == DType.BOOL) {
            throw err(op, "operand must be numeric, got " + operand);
        }
        if (nb < 0 || operand.rank() < nb + 1 || idx.rank() < nb) {
            throw err(op, "batch_dims " + nb + " needs operand rank >= " + (nb + 1) + " and indices rank >= " + nb
                    + ", got operand " + operand + " and indices " + idx);
        }
        for (int i = 0; i < nb; i++) {
            if (operand.dim(i) != idx.dim(i)) {
                throw err(op, "batch dim " + i + " differs: operand " + operand + " vs indices " + idx);
            }
        }
    }

    // ---- random ----

    private static TensorType randomBits(RandomBits r, List<TensorType> in) {
        TensorType key = checkKey("random_bits", arity("random_bits", in, 1).get(0));
        int[] lead = key.shape().without(key.rank() - 1).toArray();
        int[] out = new int[lead.length + r.shape().rank()];
        System.arraycopy(lead, 0, out, 0, lead.length);
        System.arraycopy(r.shape().toArray(), 0, out, lead.length, r.shape().rank());
        return TensorType.of(DType.I32, out);
    }

    private static TensorType randomSplit(RandomSplit r, List<TensorType> in) {
        TensorType key = checkKey("random_split", arity("random_split", in, 1).get(0));
        if (r.count() < 1) {
            throw err("random_split", "count must be >= 1, got " + r.count());
        }
        return new TensorType(DType.I32, key.shape().with(key.rank() - 1, r.count()));
    }

    private static TensorType checkKey(String op, TensorType key) {
        if (key.dtype() != DType.I32 || key.rank() < 1 || key.dim(key.rank() - 1) != 2) {
            throw err(op, "key must be i32[..., 2], got " + key, "make keys with Random.key(seed) and split them with Random.split");
        }
        return key;
    }

    // ---- helpers ----

    private static List<TensorType> arity(String op, List<TensorType> in, int n) {
        if (in.size() != n) {
            throw err(op, "takes " + n + " operand" + (n == 1 ? "" : "s") + ", got " + in.size() + (in.isEmpty() ? "" : ": " + types(in)));
        }
        return in;
    }

    private static void checkPermutation(String op, Ints perm, TensorType x) {
        if (perm.size() != x.rank()) {
            throw err(op, "permutation " + perm + " does not match rank " + x.rank() + " of " + x);
        }
        boolean[] seen = new boolean[x.rank()];
        for (int i = 0; i < perm.size(); i++) {
            int p = perm.get(i);
            if (p < 0 || p >= x.rank() || seen[p]) {
                throw err(op, "permutation " + perm + " is not a permutation of the dims of " + x);
            }
            seen[p] = true;
        }
    }

    private static void checkDistinctAxes(String op, Ints axes, TensorType x, boolean sorted) {
        for (int i = 0; i < axes.size(); i++) {
            int a = axes.get(i);
            if (a < 0 || a >= x.rank()) {
                throw err(op, "axis " + a + " out of range for " + x + " (axes " + axes + ")");
            }
            if (axes.indexOf(a) != i || (sorted && i > 0 && a < axes.get(i - 1))) {
                throw err(op, "axes " + axes + " must be distinct" + (sorted ? " and sorted" : ""));
            }
        }
    }

    static String types(List<TensorType> in) {
        return in.stream().map(TensorType::toString).collect(Collectors.joining(", "));
    }

    private static KilnException err(String op, String detail) {
        return new KilnException(op, detail);
    }

    private static KilnException err(String op, String detail, String hint) {
        return new KilnException(op, detail, null, hint);
    }
}
