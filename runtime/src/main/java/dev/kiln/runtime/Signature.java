package dev.kiln.runtime;

import dev.kiln.ir.TensorType;
import dev.kiln.tracer.tree.TreeDef;
import java.util.ArrayList;
import java.util.List;

/**
 * The abstract signature jit caches executables by: the arguments' pytree structure (static
 * values included), every leaf's dtype and shape, and the backend.
 */
record Signature(TreeDef tree, List<TensorType> leafTypes, String backend) {
    Signature {
        leafTypes = List.copyOf(leafTypes);
    }

    /**
     * What changed from {@code before} to this signature, for the re-trace log, e.g.
     * {@code arguments[1]: f32[128,104] -> f32[64,104]}.
     */
    String explainChangeFrom(Signature before) {
        if (!backend.equals(before.backend)) {
            return "backend " + before.backend + " -> " + backend;
        }
        if (!tree.equals(before.tree)) {
            return "argument structure or static values changed: " + before.tree + " -> " + tree;
        }
        List<String> paths = tree.leafPaths("arguments");
        List<String> changes = new ArrayList<>();
        for (int i = 0; i < leafTypes.size(); i++) {
            if (!leafTypes.get(i).equals(before.leafTypes.get(i))) {
                changes.add(paths.get(i) + ": " + before.leafTypes.get(i) + " -> " + leafTypes.get(i));
            }
        }
        return String.join("; ", changes);
    }
}
