package dev.kiln.tracer.tree;

import dev.kiln.ir.DType;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.SourceLocation;
import dev.kiln.ir.TensorType;
import dev.kiln.tracer.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.SortedMap;

/**
 * Flattens nested structures of tensors — records, {@link List}s and {@link Map}s of them — to a
 * list of leaves plus a {@link TreeDef}, and back. Model parameters are naturally a record of
 * tensors, and a gradient comes back as the same record. Numbers, strings, booleans, enums and
 * dtypes inside a tree are static: part of its structure, not traced. A {@link TensorType} counts
 * as a leaf (an abstract tensor, for tracing without data). A map's leaves come in its own order
 * when it has one (sorted and insertion-ordered maps), otherwise in key order.
 */
public final class PyTree {
    private PyTree() {
    }

    /** A flattened tree: the leaves ({@link Tensor}s or {@link TensorType}s) and the structure. */
    public record Flat(List<Object> leaves, TreeDef def) {
        public Flat {
            leaves = java.util.Collections.unmodifiableList(new ArrayList<>(leaves));
        }

        /** The leaves as tensors; fails if any leaf is an abstract {@link TensorType}. */
        public List<Tensor> tensors() {
            List<Tensor> out = new ArrayList<>(leaves.size());
            for (Object o : leaves) {
                out.add((Tensor) o);
            }
            return out;
        }
    }

    /** Flattens {@code tree}; {@code what} names it in errors (e.g. "argument 1", "result"). */
    public static Flat flatten(Object tree, String what) {
        List<Object> leaves = new ArrayList<>();
        TreeDef def = flatten(tree, what, leaves);
        return new Flat(leaves, def);
    }

    public static Flat flatten(Object tree) {
        return flatten(tree, "value");
    }

    /** The tensor leaves of {@code tree}, in order. */
    public static List<Tensor> leaves(Object tree) {
        return flatten(tree).tensors();
    }

    /** {@code tree} with every tensor leaf replaced by {@code f(leaf)}. */
    public static Object map(Object tree, java.util.function.UnaryOperator<Tensor> f) {
        Flat flat = flatten(tree);
        return flat.def().unflatten(flat.tensors().stream().map(f).toList());
    }

    private static TreeDef flatten(Object node, String path, List<Object> leaves) {
        return switch (node) {
            case Tensor t -> {
                leaves.add(t);
                yield new TreeDef.Leaf();
            }
            case TensorType t -> {
                leaves.add(t);
                yield new TreeDef.Leaf();
            }
            case null -> new TreeDef.Static(null);
            case Number n -> new TreeDef.Static(n);
            case String s -> new TreeDef.Static(s);
            case Boolean b -> new TreeDef.Static(b);
            case Character c -> new TreeDef.Static(c);
            case Enum<?> e -> new TreeDef.Static(e);
            case Record r -> {
                Object[] parts = RecordAccess.components(r);
                var comps = r.getClass().getRecordComponents();
                List<TreeDef> children = new ArrayList<>(parts.length);
                for (int i = 0; i < parts.length; i++) {
                    children.add(flatten(parts[i], path + "." + comps[i].getName(), leaves));
                }
                @SuppressWarnings("unchecked")
                Class<? extends Record> type = (Class<? extends Record>) r.getClass();
                yield new TreeDef.RecordNode(type, children);
            }
            case List<?> list -> {
                List<TreeDef> children = new ArrayList<>(list.size());
                for (int i = 0; i < list.size(); i++) {
                    children.add(flatten(list.get(i), path + "[" + i + "]", leaves));
                }
                yield new TreeDef.ListNode(children);
            }
            case Map<?, ?> map -> {
                List<Object> keys = new ArrayList<>();
                List<TreeDef> children = new ArrayList<>();
                for (Map.Entry<?, ?> e : entriesInOrder(map)) {
                    keys.add(e.getKey());
                    children.add(flatten(e.getValue(), path + "[" + e.getKey() + "]", leaves));
                }
                yield new TreeDef.MapNode(keys, children, map instanceof SortedMap<?, ?>);
            }
            default -> throw new KilnException("pytree", "cannot flatten a " + node.getClass().getName()
                    + " at " + path, SourceLocation.ofCaller(),
                    "arguments and results must be Tensors, or records, Lists or Maps of them "
                            + "(numbers, strings, booleans, enums and " + DType.class.getSimpleName() + "s are static)");
        };
    }

    /**
     * A map's entries in a stable order: its own when it has one ({@link SequencedMap}: sorted or
     * insertion-ordered maps), otherwise sorted by key, as JAX sorts dict keys. Without this, two
     * {@code HashMap}s (or {@code Map.of}s) with the same keys could iterate differently and miss
     * the jit cache. Keys that are not mutually comparable keep the map's iteration order.
     */
    private static List<? extends Map.Entry<?, ?>> entriesInOrder(Map<?, ?> map) {
        List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
        if (map instanceof SequencedMap<?, ?> || entries.size() < 2) {
            return entries;
        }
        try {
            entries.sort((a, b) -> compareKeys(a.getKey(), b.getKey()));
        } catch (ClassCastException | NullPointerException notComparable) {
            return new ArrayList<>(map.entrySet());
        }
        return entries;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareKeys(Object a, Object b) {
        return ((Comparable) a).compareTo(b);
    }
}
