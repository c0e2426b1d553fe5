package dev.kiln.autodiff;

import dev.kiln.ir.KilnException;
import dev.kiln.ir.SourceLocation;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.TracedFunction;
import dev.kiln.tracer.tree.PyTree;
import java.util.ArrayList;
import java.util.List;

/**
 * The arguments of a differentiated call, flattened: where each argument's leaves sit among the
 * traced graph's inputs, and the tensors to apply the derived graph to (argument leaves, then the
 * tensors the function closed over).
 */
record Args(List<PyTree.Flat> flats, int[] offsets, List<Tensor> inputs, int leafCount) {

    static Args of(List<Object> args, TracedFunction tf, String op, SourceLocation where) {
        List<PyTree.Flat> flats = new ArrayList<>();
        int[] offsets = new int[args.size()];
        List<Tensor> inputs = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            PyTree.Flat f = PyTree.flatten(args.get(i), "argument " + i);
            offsets[i] = inputs.size();
            for (Object leaf : f.leaves()) {
                if (!(leaf instanceof Tensor t)) {
                    throw new KilnException(op, "argument " + i + " holds an abstract " + leaf
                            + "; differentiate at concrete (or traced) tensors", where, null);
                }
                inputs.add(t);
            }
            flats.add(f);
        }
        int leafCount = inputs.size();
        inputs.addAll(tf.captured());
        return new Args(flats, offsets, inputs, leafCount);
    }

    int offset(int arg) {
        return offsets[arg];
    }

    int count(int arg) {
        return flats.get(arg).leaves().size();
    }

    /** A readable name for graph input {@code leaf}, e.g. {@code arg0.fc1.weight}. */
    String path(int leaf) {
        for (int a = offsets.length - 1; a >= 0; a--) {
            if (leaf >= offsets[a]) {
                return flats.get(a).def().leafPaths("arg" + a).get(leaf - offsets[a]);
            }
        }
        throw new IndexOutOfBoundsException(leaf);
    }

    /** Argument {@code arg}'s structure with {@code leaves} in place of its tensors. */
    Object unflattenArg(int arg, List<Tensor> leaves) {
        return flats.get(arg).def().unflatten(leaves);
    }
}
