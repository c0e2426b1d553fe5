package dev.kiln.autodiff;

import dev.kiln.ir.Graph;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.SourceLocation;
import dev.kiln.ir.TensorType;
import dev.kiln.tracer.FnN;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.Trace;
import dev.kiln.tracer.TracedFunction;
import dev.kiln.tracer.Tracing;
import dev.kiln.tracer.tree.PyTree;
import dev.kiln.tracer.tree.TreeDef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The user-facing transforms of reverse-mode autodiff, on untyped {@link FnN} functions (the
 * {@code Kiln} facade wraps them with typed overloads). {@code grad(f)} is itself a function: each
 * call traces {@code f} at its arguments' signature, builds the gradient graph and applies it to
 * the arguments (inlined into the enclosing trace when there is one, interpreted otherwise), so
 * grad of grad, grad inside jit and jit inside grad all compose.
 *
 * <p>The gradient with respect to a pytree argument is the same pytree (a record of gradients for
 * a record of parameters); with several {@code argnums} the result is a {@code List} of them.
 */
public final class Autodiff {
    private Autodiff() {
    }

    /**
     * The gradient of {@code f}'s scalar result with respect to arguments {@code argnums}. With
     * {@code hasAux}, {@code f} returns a {@link WithAux} and the result is a {@link GradAndAux}.
     */
    public static FnN grad(FnN f, int[] argnums, boolean hasAux) {
        int[] nums = argnums.clone();
        String label = label("grad", SourceLocation.ofCaller());
        return args -> {
            Grads r = differentiate(f, args, nums, hasAux, false, label, SourceLocation.ofCaller());
            return hasAux ? new GradAndAux<>(r.grad(), r.aux()) : r.grad();
        };
    }

    /**
     * {@code f}'s scalar result and its gradient, as a {@link ValueAndGrad}; with {@code hasAux},
     * a {@link ValueGradAndAux}.
     */
    public static FnN valueAndGrad(FnN f, int[] argnums, boolean hasAux) {
        int[] nums = argnums.clone();
        String label = label("valueAndGrad", SourceLocation.ofCaller());
        return args -> {
            Grads r = differentiate(f, args, nums, hasAux, true, label, SourceLocation.ofCaller());
            return hasAux ? new ValueGradAndAux<>(r.value(), r.grad(), r.aux()) : new ValueAndGrad<>(r.value(), r.grad());
        };
    }

    /**
     * {@code f} at {@code primals}, with its pullback (JAX's {@code vjp}). The pullback takes a
     * cotangent of the output's structure and types and returns one cotangent per primal; integer
     * and boolean leaves of the primals get zeros. The pullback re-runs {@code f}'s forward pass.
     */
    public static VjpResult vjp(FnN f, List<Object> primals) {
        SourceLocation where = SourceLocation.ofCaller();
        TracedFunction tf = Tracing.trace(f, primals, "vjp");
        Args a = Args.of(primals, tf, "vjp", where);
        boolean[] wrt = new boolean[tf.graph().inputs().size()];
        for (int i = 0; i < a.leafCount(); i++) {
            wrt[i] = a.inputs().get(i).dtype().isFloating();
        }
        Graph back = Vjp.graph(tf.graph(), wrt);
        Object output = tf.outTree().unflatten(Tracing.apply(tf.graph(), a.inputs()));
        FnN pullback = cargs -> {
            List<Tensor> cts = cotangentLeaves(cargs, tf, where);
            List<Tensor> in = new ArrayList<>(a.inputs());
            in.addAll(cts);
            List<Tensor> outs = Tracing.apply(back, in);
            List<Tensor> grads = outs.subList(tf.graph().outputs().size(), outs.size());
            List<Tensor> perLeaf = new ArrayList<>();
            int k = 0;
            for (int i = 0; i < a.leafCount(); i++) {
                Tensor x = a.inputs().get(i);
                perLeaf.add(wrt[i] ? grads.get(k++) : Tensor.zeros(x.dtype(), x.dims()));
            }
            List<Object> result = new ArrayList<>();
            for (int p = 0; p < primals.size(); p++) {
                result.add(a.unflattenArg(p, perLeaf.subList(a.offset(p), a.offset(p) + a.count(p))));
            }
            return result;
        };
        return new VjpResult(output, pullback);
    }

    /** Names the trace after the line that made the transformed function, e.g. {@code grad(Model.java:42)}. */
    private static String label(String op, SourceLocation site) {
        return op + "(" + (site.isUnknown() ? "f" : site.shortText()) + ")";
    }

    /** The pieces a grad call produces; {@code value} and {@code aux} are null when not asked for. */
    private record Grads(Tensor value, Object grad, Object aux) {
    }

    private static Grads differentiate(FnN f, List<Object> args, int[] argnums, boolean hasAux, boolean withValue,
                                       String label, SourceLocation where) {
        String op = withValue ? "valueAndGrad" : "grad";
        checkArgnums(argnums, args.size(), op, where);
        TracedFunction tf = Tracing.trace(f, args, label);
        Args a = Args.of(args, tf, op, where);
        TreeDef auxDef = checkLoss(tf, hasAux, op, where);
        boolean[] wrt = wrt(a, argnums, tf.graph().inputs().size(), op, where);
        boolean outputsNeeded = withValue || hasAux;
        List<Tensor> outs;
        if (Trace.current() != null) {
            // Inside jit or vmap the gradient's equations go straight into that trace.
            outs = GradGraphs.applyInTrace(tf.graph(), wrt, outputsNeeded, a.inputs());
        } else {
            Graph gg = outputsNeeded ? GradGraphs.valueAndGrad(tf.graph(), wrt) : GradGraphs.grad(tf.graph(), wrt);
            outs = Tracing.apply(gg, a.inputs());
        }
        int m = outputsNeeded ? tf.graph().outputs().size() : 0;
        Object grad = gradsPerArg(a, argnums, wrt, outs.subList(m, outs.size()));
        Tensor value = outputsNeeded ? outs.get(0) : null;
        Object aux = hasAux ? auxDef.unflatten(outs.subList(1, m)) : null;
        return new Grads(value, grad, aux);
    }

    /** Marks the graph inputs of the {@code argnums} arguments; they must all be floating-point. */
    private static boolean[] wrt(Args a, int[] argnums, int inputs, String op, SourceLocation where) {
        boolean[] wrt = new boolean[inputs];
        for (int num : argnums) {
            for (int i = a.offset(num); i < a.offset(num) + a.count(num); i++) {
                TensorType t = a.inputs().get(i).type();
                if (!t.dtype().isFloating()) {
                    throw new KilnException(op, "cannot differentiate with respect to argument " + num + " ("
                            + a.path(i) + ") of type " + t, where,
                            "only floating-point arguments have gradients: leave integer data (indices, labels) "
                                    + "out of argnums, or convert it with astype(DType.F32)");
                }
                wrt[i] = true;
            }
        }
        return wrt;
    }

    /** Each argument's gradient leaves in its own structure; one argnum gives that, several a List. */
    private static Object gradsPerArg(Args a, int[] argnums, boolean[] wrt, List<Tensor> grads) {
        int[] gradIndex = new int[wrt.length];
        for (int i = 0, k = 0; i < wrt.length; i++) {
            gradIndex[i] = wrt[i] ? k++ : -1;
        }
        List<Object> perArg = new ArrayList<>();
        for (int num : argnums) {
            int n = a.count(num);
            List<Tensor> leaves = n == 0 ? List.of() : grads.subList(gradIndex[a.offset(num)], gradIndex[a.offset(num)] + n);
            perArg.add(a.unflattenArg(num, leaves));
        }
        return argnums.length == 1 ? perArg.get(0) : Collections.unmodifiableList(perArg);
    }

    /** Checks that output 0 is a floating-point scalar; returns the aux structure (null without aux). */
    private static TreeDef checkLoss(TracedFunction tf, boolean hasAux, String op, SourceLocation where) {
        TreeDef out = tf.outTree();
        TreeDef auxDef = null;
        if (hasAux) {
            if (!(out instanceof TreeDef.RecordNode r && r.type() == WithAux.class
                    && r.children().get(0) instanceof TreeDef.Leaf)) {
                throw new KilnException(op, "with hasAux the function must return a WithAux(loss, aux), got "
                        + describe(out, tf), where, "return new WithAux<>(loss, aux)");
            }
            auxDef = r.children().get(1);
        } else if (!(out instanceof TreeDef.Leaf)) {
            throw new KilnException(op, "the function must return a scalar Tensor, got " + describe(out, tf), where,
                    "to return more than the loss, return a WithAux(loss, aux) and pass hasAux = true");
        }
        TensorType loss = tf.graph().outputs().get(0).type();
        if (loss.rank() != 0) {
            throw new KilnException(op, "the function must return a scalar, got " + loss, where,
                    "reduce the loss to a scalar, e.g. with .sum() or .mean()");
        }
        if (!loss.dtype().isFloating()) {
            throw new KilnException(op, "the function must return a floating-point scalar, got " + loss, where,
                    "compute the loss in f32 or f64, e.g. with astype(DType.F32)");
        }
        return auxDef;
    }

    private static String describe(TreeDef def, TracedFunction tf) {
        return switch (def) {
            case TreeDef.Leaf l -> tf.graph().outputs().get(0).type().toString();
            case TreeDef.Static s -> "the non-tensor value " + s.value();
            case TreeDef.ListNode n -> "a List of " + n.children().size() + " values";
            case TreeDef.RecordNode r -> "a " + r.type().getSimpleName() + " record";
            case TreeDef.MapNode m -> "a Map of " + m.keys().size() + " values";
        };
    }

    private static void checkArgnums(int[] argnums, int arity, String op, SourceLocation where) {
        if (argnums.length == 0) {
            throw new KilnException(op, "argnums is empty", where, "name at least one argument, e.g. argnums {0}");
        }
        for (int num : argnums) {
            if (num < 0 || num >= arity) {
                throw new KilnException(op, "argnums " + Arrays.toString(argnums) + " is out of range for a function of "
                        + arity + " argument" + (arity == 1 ? "" : "s"), where, null);
            }
        }
    }

    private static List<Tensor> cotangentLeaves(List<Object> cargs, TracedFunction tf, SourceLocation where) {
        if (cargs.size() != 1) {
            throw new KilnException("vjp", "the pullback takes one argument (the output's cotangent), got "
                    + cargs.size(), where, null);
        }
        PyTree.Flat flat = PyTree.flatten(cargs.get(0), "cotangent");
        if (!flat.def().equals(tf.outTree())) {
            throw new KilnException("vjp", "the cotangent's structure differs from the output's", where,
                    "pass a value shaped like the function's output (same records, lists and tensor types)");
        }
        List<TensorType> expected = tf.graph().outputTypes();
        List<Tensor> cts = flat.tensors();
        for (int j = 0; j < cts.size(); j++) {
            if (!cts.get(j).type().equals(expected.get(j))) {
                throw new KilnException("vjp", "cotangent " + flat.def().leafPaths("ct").get(j) + " is "
                        + cts.get(j).type() + ", the output there is " + expected.get(j), where, null);
            }
        }
        return cts;
    }
}
