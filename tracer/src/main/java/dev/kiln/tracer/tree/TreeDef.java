package dev.kiln.tracer.tree;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The structure of a pytree with its leaves taken out: which records, lists and maps hold the
 * tensors, plus the static (non-tensor) values in it. Two calls with equal tree definitions and
 * equal leaf types have the same abstract signature, so a {@code TreeDef} is part of jit's cache
 * key and has value equality.
 */
public sealed interface TreeDef {

    /** The number of tensor leaves. */
    int leafCount();

    /** A tensor position. */
    record Leaf() implements TreeDef {
        @Override
        public int leafCount() {
            return 1;
        }
    }

    /** A static value (number, string, boolean, enum, dtype, null): kept, not traced. */
    record Static(Object value) implements TreeDef {
        @Override
        public int leafCount() {
            return 0;
        }
    }

    /** A {@link List} (rebuilt as an unmodifiable list). */
    record ListNode(List<TreeDef> children) implements TreeDef {
        public ListNode {
            children = List.copyOf(children);
        }

        @Override
        public int leafCount() {
            return children.stream().mapToInt(TreeDef::leafCount).sum();
        }
    }

    /** A record, rebuilt through its canonical constructor. */
    record RecordNode(Class<? extends Record> type, List<TreeDef> children) implements TreeDef {
        public RecordNode {
            children = List.copyOf(children);
        }

        @Override
        public int leafCount() {
            return children.stream().mapToInt(TreeDef::leafCount).sum();
        }
    }

    /**
     * A {@link Map}: keys in iteration order (sorted maps are rebuilt as sorted maps in the keys'
     * natural order, others as insertion-ordered maps).
     */
    record MapNode(List<Object> keys, List<TreeDef> children, boolean sorted) implements TreeDef {
        public MapNode {
            keys = List.copyOf(keys);
            children = List.copyOf(children);
        }

        @Override
        public int leafCount() {
            return children.stream().mapToInt(TreeDef::leafCount).sum();
        }
    }

    /** Rebuilds the tree with {@code leaves} (in flattening order) at the leaf positions. */
    default Object unflatten(List<?> leaves) {
        if (leaves.size() != leafCount()) {
            throw new IllegalArgumentException("tree has " + leafCount() + " leaves, got " + leaves.size());
        }
        int[] cursor = {0};
        return rebuild(this, leaves, cursor);
    }

    /** A readable path for each leaf, e.g. {@code [0].fc1.weight}, for error messages. */
    default List<String> leafPaths(String root) {
        List<String> out = new ArrayList<>();
        collectPaths(this, root, out);
        return out;
    }

    private static Object rebuild(TreeDef def, List<?> leaves, int[] cursor) {
        return switch (def) {
            case Leaf l -> leaves.get(cursor[0]++);
            case Static s -> s.value();
            case ListNode n -> {
                List<Object> out = new ArrayList<>(n.children().size());
                for (TreeDef c : n.children()) {
                    out.add(rebuild(c, leaves, cursor));
                }
                yield java.util.Collections.unmodifiableList(out);
            }
            case RecordNode r -> {
                Object[] parts = new Object[r.children().size()];
                for (int i = 0; i < parts.length; i++) {
                    parts[i] = rebuild(r.children().get(i), leaves, cursor);
                }
                yield RecordAccess.construct(r.type(), parts);
            }
            case MapNode m -> {
                Map<Object, Object> out = m.sorted() ? new TreeMap<>() : new LinkedHashMap<>();
                for (int i = 0; i < m.keys().size(); i++) {
                    out.put(m.keys().get(i), rebuild(m.children().get(i), leaves, cursor));
                }
                // Sequenced, so that flattening the rebuilt map again keeps this order.
                yield out instanceof TreeMap<Object, Object> sorted
                        ? java.util.Collections.unmodifiableSortedMap(sorted)
                        : java.util.Collections.unmodifiableSequencedMap((LinkedHashMap<Object, Object>) out);
            }
        };
    }

    private static void collectPaths(TreeDef def, String path, List<String> out) {
        switch (def) {
            case Leaf l -> out.add(path);
            case Static s -> {
            }
            case ListNode n -> {
                for (int i = 0; i < n.children().size(); i++) {
                    collectPaths(n.children().get(i), path + "[" + i + "]", out);
                }
            }
            case RecordNode r -> {
                var comps = r.type().getRecordComponents();
                for (int i = 0; i < comps.length; i++) {
                    collectPaths(r.children().get(i), path + "." + comps[i].getName(), out);
                }
            }
            case MapNode m -> {
                for (int i = 0; i < m.keys().size(); i++) {
                    collectPaths(m.children().get(i), path + "[" + m.keys().get(i) + "]", out);
                }
            }
        }
    }
}
