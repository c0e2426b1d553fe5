package dev.kiln.ir.text;

import dev.kiln.ir.prim.ArgMax;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.BroadcastInDim;
import dev.kiln.ir.prim.Compare;
import dev.kiln.ir.prim.CompareOp;
import dev.kiln.ir.prim.Concatenate;
import dev.kiln.ir.prim.ConvGeneralDilated;
import dev.kiln.ir.prim.Convert;
import dev.kiln.ir.prim.DotGeneral;
import dev.kiln.ir.prim.Gather;
import dev.kiln.ir.prim.Iota;
import dev.kiln.ir.prim.Pad;
import dev.kiln.ir.prim.Primitive;
import dev.kiln.ir.prim.RandomBits;
import dev.kiln.ir.prim.RandomSplit;
import dev.kiln.ir.prim.ReduceMax;
import dev.kiln.ir.prim.ReduceSum;
import dev.kiln.ir.prim.ReduceWindow;
import dev.kiln.ir.prim.Reshape;
import dev.kiln.ir.prim.Rev;
import dev.kiln.ir.prim.ScatterAdd;
import dev.kiln.ir.prim.Select;
import dev.kiln.ir.prim.SelectAndScatterAdd;
import dev.kiln.ir.prim.Slice;
import dev.kiln.ir.prim.Transpose;
import dev.kiln.ir.prim.Unary;
import dev.kiln.ir.prim.UnaryOp;
import dev.kiln.ir.prim.WindowKind;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The text form of a primitive: its name ({@link Primitive#name()}) and its static parameters as
 * {@code key=value} pairs, sorted by key. Parameter keys are the record components in snake case;
 * values print as {@code [1,2]} (Ints and Shape), {@code f32} (dtype), {@code max} (enums) or an int.
 * The two directions sit side by side so a parameter cannot be printed one way and read another.
 */
final class PrimitiveText {
    /** Primitives named by their operation (add, exp, lt, ...) rather than by their record. */
    private static final Map<String, Primitive> BY_OP_NAME = opNames();

    private PrimitiveText() {
    }

    /** The parameters of {@code p}, sorted by key (empty for primitives without any). */
    static SortedMap<String, String> params(Primitive p) {
        TreeMap<String, String> m = new TreeMap<>();
        switch (p) {
            case Unary u -> { }
            case Binary b -> { }
            case Compare c -> { }
            case Select s -> { }
            case Convert c -> m.put("to", c.to().shortName());
            case Iota i -> {
                m.put("dimension", Integer.toString(i.dimension()));
                m.put("dtype", i.dtype().shortName());
                m.put("shape", i.shape().toString());
            }
            case BroadcastInDim b -> {
                m.put("broadcast_dimensions", b.broadcastDimensions().toString());
                m.put("shape", b.shape().toString());
            }
            case Reshape r -> m.put("new_shape", r.newShape().toString());
            case Transpose t -> m.put("permutation", t.permutation().toString());
            case Rev r -> m.put("dimensions", r.dimensions().toString());
            case Slice s -> {
                m.put("start", s.start().toString());
                m.put("limit", s.limit().toString());
                m.put("strides", s.strides().toString());
            }
            case Pad pd -> {
                m.put("low", pd.low().toString());
                m.put("high", pd.high().toString());
                m.put("interior", pd.interior().toString());
            }
            case Concatenate c -> m.put("dimension", Integer.toString(c.dimension()));
            case ReduceSum r -> m.put("axes", r.axes().toString());
            case ReduceMax r -> m.put("axes", r.axes().toString());
            case ArgMax a -> {
                m.put("axis", Integer.toString(a.axis()));
                m.put("index_dtype", a.indexDtype().shortName());
            }
            case DotGeneral d -> {
                m.put("lhs_contract", d.lhsContract().toString());
                m.put("rhs_contract", d.rhsContract().toString());
                m.put("lhs_batch", d.lhsBatch().toString());
                m.put("rhs_batch", d.rhsBatch().toString());
            }
            case ConvGeneralDilated c -> {
                m.put("window_strides", c.windowStrides().toString());
                m.put("pad_low", c.padLow().toString());
                m.put("pad_high", c.padHigh().toString());
                m.put("lhs_dilation", c.lhsDilation().toString());
                m.put("rhs_dilation", c.rhsDilation().toString());
                m.put("feature_group_count", Integer.toString(c.featureGroupCount()));
                m.put("batch_group_count", Integer.toString(c.batchGroupCount()));
            }
            case ReduceWindow w -> {
                m.put("kind", w.kind().textName());
                putWindow(m, w.windowDims().toString(), w.strides().toString(), w.padLow().toString(), w.padHigh().toString());
            }
            case SelectAndScatterAdd s ->
                    putWindow(m, s.windowDims().toString(), s.strides().toString(), s.padLow().toString(), s.padHigh().toString());
            case Gather g -> m.put("batch_dims", Integer.toString(g.batchDims()));
            case ScatterAdd s -> m.put("batch_dims", Integer.toString(s.batchDims()));
            case RandomBits r -> m.put("shape", r.shape().toString());
            case RandomSplit r -> m.put("count", Integer.toString(r.count()));
        }
        return m;
    }

    private static void putWindow(Map<String, String> m, String window, String strides, String lo, String hi) {
        m.put("window_dims", window);
        m.put("strides", strides);
        m.put("pad_low", lo);
        m.put("pad_high", hi);
    }

    /** Whether {@code name} names a primitive. */
    static boolean isPrimitiveName(String name) {
        return BY_OP_NAME.containsKey(name) || switch (name) {
            case "convert", "iota", "broadcast_in_dim", "reshape", "transpose", "rev", "slice", "pad",
                 "concatenate", "reduce_sum", "reduce_max", "argmax", "dot_general", "conv_general_dilated",
                 "reduce_window", "select_and_scatter_add", "gather", "scatter_add", "random_bits",
                 "random_split" -> true;
            default -> false;
        };
    }

    /**
     * The primitive named {@code name} built from {@code ps}; every parameter must be present and
     * none may be left over. {@code name} must satisfy {@link #isPrimitiveName}.
     */
    static Primitive build(String name, ParamList ps) {
        Primitive p = BY_OP_NAME.get(name);
        if (p == null) {
            p = switch (name) {
                case "convert" -> new Convert(ps.dtype("to"));
                case "iota" -> new Iota(ps.dtype("dtype"), ps.shape("shape"), ps.integer("dimension"));
                case "broadcast_in_dim" -> new BroadcastInDim(ps.shape("shape"), ps.ints("broadcast_dimensions"));
                case "reshape" -> new Reshape(ps.shape("new_shape"));
                case "transpose" -> new Transpose(ps.ints("permutation"));
                case "rev" -> new Rev(ps.ints("dimensions"));
                case "slice" -> new Slice(ps.ints("start"), ps.ints("limit"), ps.ints("strides"));
                case "pad" -> new Pad(ps.ints("low"), ps.ints("high"), ps.ints("interior"));
                case "concatenate" -> new Concatenate(ps.integer("dimension"));
                case "reduce_sum" -> new ReduceSum(ps.ints("axes"));
                case "reduce_max" -> new ReduceMax(ps.ints("axes"));
                case "argmax" -> new ArgMax(ps.integer("axis"), ps.dtype("index_dtype"));
                case "dot_general" -> new DotGeneral(ps.ints("lhs_contract"), ps.ints("rhs_contract"),
                        ps.ints("lhs_batch"), ps.ints("rhs_batch"));
                case "conv_general_dilated" -> new ConvGeneralDilated(ps.ints("window_strides"), ps.ints("pad_low"),
                        ps.ints("pad_high"), ps.ints("lhs_dilation"), ps.ints("rhs_dilation"),
                        ps.integer("feature_group_count"), ps.integer("batch_group_count"));
                case "reduce_window" -> new ReduceWindow(windowKind(ps), ps.ints("window_dims"), ps.ints("strides"),
                        ps.ints("pad_low"), ps.ints("pad_high"));
                case "select_and_scatter_add" -> new SelectAndScatterAdd(ps.ints("window_dims"), ps.ints("strides"),
                        ps.ints("pad_low"), ps.ints("pad_high"));
                case "gather" -> new Gather(ps.integer("batch_dims"));
                case "scatter_add" -> new ScatterAdd(ps.integer("batch_dims"));
                case "random_bits" -> new RandomBits(ps.shape("shape"));
                case "random_split" -> new RandomSplit(ps.integer("count"));
                default -> throw new IllegalArgumentException("not a primitive name: " + name);
            };
        }
        ps.finish(name);
        return p;
    }

    private static WindowKind windowKind(ParamList ps) {
        String w = ps.word("kind", "max or sum");
        for (WindowKind k : WindowKind.values()) {
            if (k.textName().equals(w)) {
                return k;
            }
        }
        throw ps.invalid("kind", "max or sum");
    }

    private static Map<String, Primitive> opNames() {
        Map<String, Primitive> m = new HashMap<>();
        for (UnaryOp op : UnaryOp.values()) {
            addUnique(m, new Unary(op));
        }
        for (BinaryOp op : BinaryOp.values()) {
            addUnique(m, new Binary(op));
        }
        for (CompareOp op : CompareOp.values()) {
            addUnique(m, new Compare(op));
        }
        addUnique(m, new Select());
        return Map.copyOf(m);
    }

    private static void addUnique(Map<String, Primitive> m, Primitive p) {
        if (m.put(p.name(), p) != null) {
            // Two primitives printing alike would make the text ambiguous; fail at class load.
            throw new IllegalStateException("two primitives print as '" + p.name() + "'");
        }
    }
}
