package dev.kiln.runtime;

import dev.kiln.ir.KilnException;
import dev.kiln.ir.SourceLocation;
import dev.kiln.tracer.tree.TreeDef;

/**
 * What a jitted function may return: Tensors, or records, Lists and Maps of them. Static values
 * (numbers, strings, booleans, enums, null) are allowed only as record components, where they are
 * a layer's configuration (a convolution's stride) and come back unchanged; anywhere else a
 * static value is almost always a mistake (a jitted function returning a String, or a List holding
 * a Java double computed from a traced value), so it is rejected with its path, as JAX rejects
 * non-array outputs of {@code jit}.
 */
final class JitResults {
    private JitResults() {
    }

    static void checkTensorsOnly(TreeDef result, String label) {
        check(result, "result", false, label);
    }

    private static void check(TreeDef d, String path, boolean inRecord, String label) {
        switch (d) {
            case TreeDef.Leaf l -> {
            }
            case TreeDef.Static s -> {
                if (!inRecord) {
                    throw new KilnException(label, path + " is " + describe(s.value()) + ", not a Tensor",
                            SourceLocation.ofCaller(), "a jitted function returns Tensors, or records, Lists or Maps "
                            + "of them; compute Java values outside it, or return them as tensors (Tensor.scalar(x))");
                }
            }
            case TreeDef.ListNode n -> {
                for (int i = 0; i < n.children().size(); i++) {
                    check(n.children().get(i), path + "[" + i + "]", false, label);
                }
            }
            case TreeDef.RecordNode r -> {
                var comps = r.type().getRecordComponents();
                for (int i = 0; i < comps.length; i++) {
                    check(r.children().get(i), path + "." + comps[i].getName(), true, label);
                }
            }
            case TreeDef.MapNode m -> {
                for (int i = 0; i < m.keys().size(); i++) {
                    check(m.children().get(i), path + "[" + m.keys().get(i) + "]", false, label);
                }
            }
        }
    }

    private static String describe(Object v) {
        return switch (v) {
            case null -> "null";
            case String s -> "a String (\"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\")";
            default -> "a " + v.getClass().getSimpleName() + " (" + v + ")";
        };
    }
}
