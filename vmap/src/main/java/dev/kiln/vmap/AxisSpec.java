package dev.kiln.vmap;

import dev.kiln.ir.KilnException;
import dev.kiln.ir.SourceLocation;
import dev.kiln.tracer.tree.TreeDef;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads vmap's {@code inAxes} / {@code outAxes} for one pytree: a single {@code Integer} or
 * {@code null} applies to every tensor in the tree; otherwise the axes form a prefix of the tree —
 * a {@link List}, {@link Map} or record of the same structure (a record may also be described by a
 * {@code Map} from component names), with {@code Integer} / {@code null} leaves that again apply
 * to everything below them. The result is one axis (or null) per tensor leaf, in flattening order.
 */
final class AxisSpec {
    private AxisSpec() {
    }

    /**
     * One axis (null for "not mapped") per leaf of {@code def}.
     *
     * @param what names the tree in errors, e.g. "in_axes for argument 2"
     */
    static List<Integer> resolve(TreeDef def, Object axes, String what) {
        List<Integer> out = new ArrayList<>(def.leafCount());
        resolve(def, axes, what, "", out);
        return out;
    }

    private static void resolve(TreeDef def, Object axes, String what, String path, List<Integer> out) {
        if (axes == null || axes instanceof Number) {
            Integer axis = axes == null ? null : asInt(axes, what, path);
            for (int i = 0; i < def.leafCount(); i++) {
                out.add(axis);
            }
            return;
        }
        switch (def) {
            case TreeDef.Leaf l -> throw mismatch(what, path, "a tensor, which takes an Integer axis or null", axes);
            case TreeDef.Static s -> throw mismatch(what, path, "the static value " + s.value()
                    + ", which takes no axis (use null)", axes);
            case TreeDef.ListNode n -> {
                if (!(axes instanceof List<?> list) || list.size() != n.children().size()) {
                    throw mismatch(what, path, "a List of " + n.children().size(), axes);
                }
                for (int i = 0; i < list.size(); i++) {
                    resolve(n.children().get(i), list.get(i), what, path + "[" + i + "]", out);
                }
            }
            case TreeDef.MapNode m -> {
                if (!(axes instanceof Map<?, ?> map) || !map.keySet().equals(Set.copyOf(m.keys()))) {
                    throw mismatch(what, path, "a Map with keys " + m.keys(), axes);
                }
                for (int i = 0; i < m.keys().size(); i++) {
                    resolve(m.children().get(i), map.get(m.keys().get(i)), what, path + "[" + m.keys().get(i) + "]", out);
                }
            }
            case TreeDef.RecordNode r -> {
                RecordComponent[] comps = r.type().getRecordComponents();
                List<Object> parts = recordParts(r, comps, axes, what, path);
                for (int i = 0; i < comps.length; i++) {
                    resolve(r.children().get(i), parts.get(i), what, path + "." + comps[i].getName(), out);
                }
            }
        }
    }

    /** The axes for each component of a record: from a record of the same type, or a Map by name. */
    private static List<Object> recordParts(TreeDef.RecordNode r, RecordComponent[] comps, Object axes, String what,
                                            String path) {
        List<Object> parts = new ArrayList<>(comps.length);
        if (axes.getClass() == r.type()) {
            for (RecordComponent c : comps) {
                try {
                    var accessor = c.getAccessor();
                    accessor.setAccessible(true);
                    parts.add(accessor.invoke(axes));
                } catch (IllegalAccessException | InvocationTargetException e) {
                    throw new IllegalStateException("cannot read " + c.getName() + " of " + r.type().getName(), e);
                }
            }
            return parts;
        }
        Set<String> names = new TreeSet<>(Arrays.stream(comps).map(RecordComponent::getName).toList());
        if (axes instanceof Map<?, ?> map && map.keySet().equals(names)) {
            for (RecordComponent c : comps) {
                parts.add(map.get(c.getName()));
            }
            return parts;
        }
        throw mismatch(what, path, "a " + r.type().getSimpleName() + " record (give a " + r.type().getSimpleName()
                + " of axes, or a Map from its components " + names + " to axes)", axes);
    }

    private static int asInt(Object axis, String what, String path) {
        if (axis instanceof Integer || axis instanceof Long || axis instanceof Short || axis instanceof Byte) {
            return ((Number) axis).intValue();
        }
        throw new KilnException("vmap", what + at(path) + ": an axis must be an Integer or null, got "
                + axis.getClass().getSimpleName() + " " + axis, SourceLocation.ofCaller(), null);
    }

    private static KilnException mismatch(String what, String path, String expected, Object got) {
        return new KilnException("vmap", what + " do not match the structure" + at(path) + ": there it is "
                + expected + ", but the axes give " + describe(got), SourceLocation.ofCaller(),
                "give one Integer or null for a whole argument, or a List / Map / record of the same shape as it");
    }

    private static String at(String path) {
        return path.isEmpty() ? "" : " at " + path;
    }

    static String describe(Object axes) {
        return switch (axes) {
            case null -> "null";
            case List<?> l -> "a List of " + l.size() + " " + l;
            case Map<?, ?> m -> "a Map with keys " + m.keySet();
            case Record r -> "a " + r.getClass().getSimpleName() + " record";
            default -> "a " + axes.getClass().getSimpleName() + " " + axes;
        };
    }
}
