package dev.kiln.privacy;

import dev.kiln.ir.KilnException;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.tree.PyTree;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;

/**
 * Leaf-by-leaf arithmetic on pytrees of tensors (parameter records, gradients, optimiser
 * moments). Every function only calls tensor operations, so it runs eagerly and under a trace.
 */
public final class Trees {
    private Trees() {
    }

    /** The tensor leaves of {@code tree}, in pytree order. */
    public static List<Tensor> leaves(Object tree) {
        return PyTree.leaves(tree);
    }

    /** The number of tensor leaves. */
    public static int leafCount(Object tree) {
        return PyTree.flatten(tree).leaves().size();
    }

    /** {@code tree} with every leaf replaced by {@code f(leaf)}. */
    @SuppressWarnings("unchecked")
    public static <T> T map(T tree, UnaryOperator<Tensor> f) {
        return (T) PyTree.map(tree, f);
    }

    /** {@code f(a_i, b_i)} leaf by leaf; {@code a} and {@code b} must have the same structure. */
    @SuppressWarnings("unchecked")
    public static <T> T zip(T a, T b, BinaryOperator<Tensor> f) {
        PyTree.Flat fa = PyTree.flatten(a);
        PyTree.Flat fb = PyTree.flatten(b);
        if (!fa.def().equals(fb.def())) {
            throw new KilnException("Trees.zip", "the two pytrees differ in structure: " + fa.def() + " vs " + fb.def());
        }
        List<Tensor> la = fa.tensors();
        List<Tensor> lb = fb.tensors();
        List<Tensor> out = new ArrayList<>(la.size());
        for (int i = 0; i < la.size(); i++) {
            out.add(f.apply(la.get(i), lb.get(i)));
        }
        return (T) fa.def().unflatten(out);
    }

    /** {@code tree} with leaves rebuilt from {@code leaves} (same count, same order). */
    @SuppressWarnings("unchecked")
    public static <T> T withLeaves(T tree, List<Tensor> leaves) {
        return (T) PyTree.flatten(tree).def().unflatten(leaves);
    }

    public static <T> T add(T a, T b) {
        return zip(a, b, Tensor::add);
    }

    public static <T> T sub(T a, T b) {
        return zip(a, b, Tensor::sub);
    }

    public static <T> T scale(T a, double s) {
        return map(a, t -> t.mul(s));
    }

    /** {@code a + s * b}. */
    public static <T> T addScaled(T a, double s, T b) {
        return zip(a, b, (x, y) -> x.add(y.mul(s)));
    }

    public static <T> T zerosLike(T tree) {
        return map(tree, Tensor::zerosLike);
    }

    /** The sum of the squares of all elements of all leaves, as a scalar. */
    public static Tensor squaredNorm(Object tree) {
        Tensor total = null;
        for (Tensor t : leaves(tree)) {
            Tensor s = t.square().sum();
            total = total == null ? s : total.add(s);
        }
        return total == null ? Tensor.scalar(0) : total;
    }
}
