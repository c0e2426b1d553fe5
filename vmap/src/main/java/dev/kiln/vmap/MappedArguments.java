package dev.kiln.vmap;

import dev.kiln.ir.KilnException;
import dev.kiln.ir.SourceLocation;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.tree.PyTree;
import dev.kiln.tracer.tree.TreeDef;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * The arguments of one call of a vmapped function, checked against its {@code inAxes}: the tensor
 * leaves, where each one's batch axis is (-1 when not mapped), the common batch size, the types
 * the per-example function sees (mapped axes removed), and each argument's structure.
 */
record MappedArguments(List<Tensor> leaves, int[] inDims, int size, List<Object> exampleTypes, List<TreeDef> defs) {

    /** The per-example arguments rebuilt from their leaves (one per tensor leaf, in order). */
    List<Object> rebuild(List<?> flatLeaves) {
        List<Object> args = new ArrayList<>(defs.size());
        int at = 0;
        for (TreeDef d : defs) {
            args.add(d.unflatten(flatLeaves.subList(at, at + d.leafCount())));
            at += d.leafCount();
        }
        return args;
    }

    static MappedArguments of(List<Object> args, Object inAxes) {
        List<?> perArg = perArgument(args, inAxes);
        List<Tensor> leaves = new ArrayList<>();
        List<Integer> dims = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Object> exampleTypes = new ArrayList<>();
        List<TreeDef> defs = new ArrayList<>(args.size());
        for (int i = 0; i < args.size(); i++) {
            String arg = "argument " + (i + 1);
            PyTree.Flat flat = PyTree.flatten(args.get(i), arg);
            List<Integer> axes = AxisSpec.resolve(flat.def(), perArg.get(i), "in_axes for " + arg);
            List<String> paths = flat.def().leafPaths("");
            for (int k = 0; k < axes.size(); k++) {
                String name = paths.get(k).isEmpty() ? arg : arg + " at " + paths.get(k);
                Tensor t = asTensor(flat.leaves().get(k), name);
                int dim = axis(axes.get(k), t, name);
                leaves.add(t);
                dims.add(dim);
                names.add(name);
                exampleTypes.add(dim < 0 ? t.type() : t.type().withShape(t.shape().without(dim)));
            }
            defs.add(flat.def());
        }
        int size = commonSize(leaves, dims, names);
        return new MappedArguments(leaves, dims.stream().mapToInt(Integer::intValue).toArray(), size, exampleTypes, defs);
    }

    private static List<?> perArgument(List<Object> args, Object inAxes) {
        if (!(inAxes instanceof List<?> list)) {
            List<Object> same = new ArrayList<>(args.size());
            for (int i = 0; i < args.size(); i++) {
                same.add(inAxes);
            }
            return same;
        }
        if (list.size() != args.size()) {
            throw new KilnException("vmap", "in_axes has " + list.size() + " entries " + list + " but the function was called with "
                    + args.size() + " argument" + (args.size() == 1 ? "" : "s"), SourceLocation.ofCaller(),
                    "give one entry per argument; for one List argument, wrap its axes in a one-entry list");
        }
        return list;
    }

    private static Tensor asTensor(Object leaf, String name) {
        if (leaf instanceof Tensor t) {
            return t;
        }
        throw new KilnException("vmap", name + " is an abstract " + leaf + "; call a vmapped function with Tensors",
                SourceLocation.ofCaller(), null);
    }

    /** The batch axis of {@code t} (negative counted from the end), or -1 when not mapped. */
    private static int axis(Integer axis, Tensor t, String name) {
        if (axis == null) {
            return -1;
        }
        int rank = t.rank();
        if (axis < -rank || axis >= rank) {
            throw new KilnException("vmap", "in axis " + axis + " is out of range for " + name + " of type " + t.type()
                    + " (rank " + rank + ")", SourceLocation.ofCaller(),
                    rank == 0 ? "a scalar has no axis to map over; use null to share it across examples"
                            : "valid axes are " + -rank + ".." + (rank - 1));
        }
        return axis < 0 ? axis + rank : axis;
    }

    private static int commonSize(List<Tensor> leaves, List<Integer> dims, List<String> names) {
        int size = -1;
        boolean differ = false;
        StringJoiner all = new StringJoiner(", ");
        for (int k = 0; k < leaves.size(); k++) {
            int d = dims.get(k);
            if (d < 0) {
                continue;
            }
            int n = leaves.get(k).shape().dim(d);
            all.add(names.get(k) + " axis " + d + " has " + n);
            differ |= size >= 0 && n != size;
            size = size < 0 ? n : size;
        }
        if (size < 0) {
            throw new KilnException("vmap", "no argument is mapped (every in axis is null), so there is no batch size",
                    SourceLocation.ofCaller(), "map at least one argument, e.g. in_axes 0 for the data");
        }
        if (differ) {
            throw new KilnException("vmap", "mapped axes have different sizes: " + all, SourceLocation.ofCaller(),
                    "every mapped axis is the batch, so all must have the same size");
        }
        return size;
    }
}
