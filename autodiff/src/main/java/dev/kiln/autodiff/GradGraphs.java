package dev.kiln.autodiff;

import dev.kiln.ir.Graph;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.TensorType;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.TracedFunction;
import dev.kiln.tracer.Tracing;
import java.util.ArrayList;
import java.util.List;

/**
 * Gradient graphs of scalar losses: output 0 of the graph is the loss, seeded with cotangent 1;
 * further outputs are auxiliary values, passed through undifferentiated.
 */
public final class GradGraphs {
    private GradGraphs() {
    }

    /** {@code (x_1..x_n) -> (d y_0 / d x_i for each i with wrt[i])}. */
    public static Graph grad(Graph g, boolean[] wrt) {
        return build(g, wrt, false);
    }

    /** {@code (x_1..x_n) -> (y_0, y_1..y_{m-1}, d y_0 / d x_i for each i with wrt[i])}. */
    public static Graph valueAndGrad(Graph g, boolean[] wrt) {
        return build(g, wrt, true);
    }

    /**
     * What the graph of {@link #grad} ({@code withOutputs}: {@link #valueAndGrad}) computes, recorded
     * straight into the enclosing trace on {@code args}: the equations that inlining the gradient
     * graph would record, without building and replaying it. Equations the gradient does not need
     * stay in the enclosing trace for its dead code elimination.
     */
    public static List<Tensor> applyInTrace(Graph g, boolean[] wrt, boolean withOutputs, List<Tensor> args) {
        checkScalarLoss(g);
        return differentiate(g, wrt, withOutputs, args);
    }

    private static Graph build(Graph g, boolean[] wrt, boolean withOutputs) {
        checkScalarLoss(g);
        TracedFunction tf = Tracing.trace(args -> differentiate(g, wrt, withOutputs, Vjp.tensors(args)),
                new ArrayList<>(g.inputTypes()), withOutputs ? "valueAndGrad" : "grad");
        return Vjp.closed(tf, withOutputs ? "valueAndGrad" : "grad");
    }

    /** The loss's outputs (when asked for) and its gradients, the loss seeded with cotangent 1. */
    private static List<Tensor> differentiate(Graph g, boolean[] wrt, boolean withOutputs, List<Tensor> args) {
        List<Tensor> cts = new ArrayList<>();
        cts.add(Tensor.scalar(1.0, g.outputs().get(0).type().dtype()));
        for (int j = 1; j < g.outputs().size(); j++) {
            cts.add(null);
        }
        Vjp.Result r = Vjp.run(g, wrt, args, cts);
        List<Tensor> out = new ArrayList<>(withOutputs ? r.outputs() : List.of());
        out.addAll(r.cotangents());
        return out;
    }

    private static void checkScalarLoss(Graph g) {
        if (g.outputs().isEmpty()) {
            throw new KilnException("grad", "the function has no outputs; it must return a scalar loss");
        }
        TensorType t = g.outputs().get(0).type();
        if (t.rank() != 0 || !t.dtype().isFloating()) {
            throw new KilnException("grad", "the function must return a floating-point scalar, got " + t);
        }
    }
}
