package dev.kiln.vmap;

import dev.kiln.ir.Graph;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.SourceLocation;
import dev.kiln.ir.TensorType;
import dev.kiln.tracer.FnN;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.Trace;
import dev.kiln.tracer.TracedFunction;
import dev.kiln.tracer.Tracing;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * JAX's {@code vmap}: a function of one example turned into a function of a batch of them.
 *
 * <pre>{@code
 * FnN perExampleGrads = Vmap.vmap(grad(loss), Vmap.in(null, 0, 0), 0);
 * }</pre>
 *
 * <p>{@code inAxes} says, per argument, which axis of it is the batch: an {@code Integer}
 * (negative counts from the end of that tensor's rank), {@code null} (the argument is shared by
 * all examples), or a List / Map / record prefix of the argument with such leaves. A single
 * {@code Integer} or {@code null} instead of a per-argument list applies to every argument.
 * {@code outAxes} says the same of the result (default 0; {@code null} asks for a result that
 * must not depend on mapped inputs). All mapped axes must have one size.
 *
 * <p>On each call the function is traced once per example, at the per-example types (label
 * {@code vmap(f)}), the graph is batched by {@link Batching} and applied to the whole arrays: inside
 * an enclosing trace ({@code jit}, {@code grad}, another {@code vmap}) it is inlined there, so
 * everything composes. Tensors that {@code f} closes over are shared by all examples.
 */
public final class Vmap {
    private static final String LABEL = "vmap(f)";

    private Vmap() {
    }

    /** {@code f} mapped over axis 0 of every argument and of every result. */
    public static FnN vmap(FnN f) {
        return vmap(f, 0, 0);
    }

    /** {@code f} mapped over {@code inAxes}, with results batched at axis 0. */
    public static FnN vmap(FnN f, Object inAxes) {
        return vmap(f, inAxes, 0);
    }

    public static FnN vmap(FnN f, Object inAxes, Object outAxes) {
        if (inAxes != null && !(inAxes instanceof Number) && !(inAxes instanceof List<?>)) {
            throw new KilnException("vmap", "in_axes must be an Integer, null, or a List with one entry per argument, got "
                    + AxisSpec.describe(inAxes), SourceLocation.ofCaller(), "e.g. Vmap.in(null, 0, 0)");
        }
        return args -> call(f, inAxes, outAxes, args);
    }

    /** Per-argument axes, allowing {@code null} entries (unlike {@code List.of}). */
    public static List<Object> in(Object... perArgument) {
        return Collections.unmodifiableList(Arrays.asList(perArgument.clone()));
    }

    private static Object call(FnN f, Object inAxes, Object outAxes, List<Object> args) {
        MappedArguments mapped = MappedArguments.of(args, inAxes);
        // Traced over the flat leaves, because a record of Tensors cannot hold abstract types.
        TracedFunction traced = Tracing.trace(leaves -> f.apply(mapped.rebuild(leaves)), mapped.exampleTypes(), LABEL);
        int leafCount = traced.argLeafCount();
        int[] inDims = new int[traced.graph().inputs().size()];
        Arrays.fill(inDims, -1);
        System.arraycopy(mapped.inDims(), 0, inDims, 0, leafCount);

        List<String> outNames = traced.outTree().leafPaths("result");
        int[] outDims = outDims(traced, outAxes, outNames);
        List<Tensor> inputs = new ArrayList<>(mapped.leaves());
        inputs.addAll(traced.captured());
        if (Trace.current() != null) {
            // Inside jit (or another transform) the batched equations go straight into that trace.
            return traced.outTree().unflatten(
                    Batching.applyInTrace(traced.graph(), inputs, inDims, mapped.size(), outDims, outNames));
        }
        Graph batched = Batching.graph(traced.graph(), inDims, mapped.size(), outDims, outNames);
        return traced.outTree().unflatten(Tracing.apply(batched, inputs));
    }

    private static int[] outDims(TracedFunction traced, Object outAxes, List<String> names) {
        List<Integer> axes = AxisSpec.resolve(traced.outTree(), outAxes, "out_axes");
        List<TensorType> types = traced.graph().outputTypes();
        int[] dims = new int[axes.size()];
        for (int j = 0; j < dims.length; j++) {
            Integer a = axes.get(j);
            int rank = types.get(j).rank() + 1;
            if (a == null) {
                dims[j] = -1;
            } else if (a < -rank || a >= rank) {
                throw new KilnException("vmap", "out axis " + a + " is out of range for " + names.get(j) + " ("
                        + types.get(j) + " per example, rank " + rank + " once batched)", SourceLocation.ofCaller(),
                        "valid out axes are " + -rank + ".." + (rank - 1));
            } else {
                dims[j] = a < 0 ? a + rank : a;
            }
        }
        return dims;
    }
}
