package dev.kiln.runtime;

import dev.kiln.ir.TensorType;
import dev.kiln.tracer.tree.TreeDef;
import java.util.ArrayList;
import java.util.List;

/**
 * The abstract signature jit caches executables by: the arguments' pytree structure (static
 * values included), every leaf's dtype and shape, and the backend. Two calls with equal signatures
 * run the same executable.
 */
record Signature(TreeDef tree, List<TensorType> leafTypes, String backend) {
    Signature {
        leafTypes = List.copyOf(leafTypes);
    }

    /** Every leaf as {@code arguments[0].w: f32[2,3]}, for the first-trace log. */
    String describe() {
        List<String> paths = tree.leafPaths("arguments");
        List<String> parts = new ArrayList<>(paths.size());
        for (int i = 0; i < paths.size(); i++) {
            parts.add(paths.get(i) + ": " + leafTypes.get(i));
        }
        return parts.isEmpty() ? "no tensor arguments" : String.join(", ", parts);
    }

    /**
     * What differs from {@code before} to this signature, one entry per changed part, e.g.
     * {@code arguments[1]: f32[128,104] -> f32[64,104]} or {@code arguments[0].stride: 1 -> 2}. The
     * trees are walked side by side, so a change deep in a record names its path, and a subtree
     * whose kind changed (a list grew, a tensor became a record) is reported once, at its root.
     */
    List<String> changesFrom(Signature before) {
        List<String> out = new ArrayList<>();
        if (!backend.equals(before.backend)) {
            out.add("backend: " + before.backend + " -> " + backend);
        }
        new Walk(before.leafTypes, leafTypes, out).diff(before.tree, tree, "arguments");
        return out;
    }

    /** {@link #changesFrom} as one line. */
    String explainChangeFrom(Signature before) {
        return String.join("; ", changesFrom(before));
    }

    /** Walks two trees in parallel, with a cursor into each one's leaf types. */
    private static final class Walk {
        private final List<TensorType> oldTypes;
        private final List<TensorType> newTypes;
        private final List<String> out;
        private int oldLeaf;
        private int newLeaf;

        Walk(List<TensorType> oldTypes, List<TensorType> newTypes, List<String> out) {
            this.oldTypes = oldTypes;
            this.newTypes = newTypes;
            this.out = out;
        }

        void diff(TreeDef a, TreeDef b, String path) {
            switch (a) {
                case TreeDef.Leaf l when b instanceof TreeDef.Leaf -> {
                    TensorType ta = oldTypes.get(oldLeaf++);
                    TensorType tb = newTypes.get(newLeaf++);
                    if (!ta.equals(tb)) {
                        out.add(path + ": " + ta + " -> " + tb);
                    }
                }
                case TreeDef.Static s when b instanceof TreeDef.Static t -> {
                    if (!s.equals(t)) {
                        out.add(path + ": " + staticText(s.value()) + " -> " + staticText(t.value()));
                    }
                }
                case TreeDef.ListNode x when b instanceof TreeDef.ListNode y && x.children().size() == y.children().size() -> {
                    for (int i = 0; i < x.children().size(); i++) {
                        diff(x.children().get(i), y.children().get(i), path + "[" + i + "]");
                    }
                }
                case TreeDef.RecordNode x when b instanceof TreeDef.RecordNode y && x.type() == y.type() -> {
                    var comps = x.type().getRecordComponents();
                    for (int i = 0; i < comps.length; i++) {
                        diff(x.children().get(i), y.children().get(i), path + "." + comps[i].getName());
                    }
                }
                case TreeDef.MapNode x when b instanceof TreeDef.MapNode y && x.keys().equals(y.keys())
                        && x.sorted() == y.sorted() -> {
                    for (int i = 0; i < x.keys().size(); i++) {
                        diff(x.children().get(i), y.children().get(i), path + "[" + x.keys().get(i) + "]");
                    }
                }
                default -> {
                    out.add(path + ": " + kind(a, oldTypes, oldLeaf) + " -> " + kind(b, newTypes, newLeaf));
                    oldLeaf += a.leafCount();
                    newLeaf += b.leafCount();
                }
            }
        }

        private static String kind(TreeDef d, List<TensorType> types, int leaf) {
            return switch (d) {
                case TreeDef.Leaf l -> types.get(leaf).toString();
                case TreeDef.Static s -> staticText(s.value());
                case TreeDef.ListNode n -> "List of " + n.children().size();
                case TreeDef.RecordNode r -> "record " + r.type().getSimpleName();
                case TreeDef.MapNode m -> (m.sorted() ? "sorted Map with keys " : "Map with keys ") + m.keys();
            };
        }

        private static String staticText(Object v) {
            return switch (v) {
                case null -> "null";
                case String s -> "\"" + s + "\"";
                default -> v + " (" + v.getClass().getSimpleName() + ")";
            };
        }
    }
}
