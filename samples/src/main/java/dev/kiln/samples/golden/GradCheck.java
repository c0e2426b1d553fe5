package dev.kiln.samples.golden;

import dev.kiln.ir.ArrayCompare;
import dev.kiln.ir.ArrayData;
import dev.kiln.runtime.JitOptions;
import dev.kiln.runtime.Kiln;
import dev.kiln.samples.models.PaperModel;
import dev.kiln.tracer.Fn3;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.tree.PyTree;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares Kiln's per-example losses and gradients, computed as
 * {@code jit(vmap(grad(exampleLoss), in(null, 0, 0)))}, with a golden case computed by PyTorch.
 * Errors are relative to the largest magnitude of each golden array.
 */
public final class GradCheck {
    private GradCheck() {
    }

    /** The largest relative error of one parameter's per-example gradient. */
    public record ParamError(String name, double relError, double maxAbsGolden) {
    }

    /** The outcome: per-parameter errors, the loss error, and the worst of all. */
    public record Result(String model, int batch, double lossRelError, List<ParamError> params, double worst) {
        public boolean passes(double tolerance) {
            return worst <= tolerance;
        }
    }

    public static Result run(GoldenCase c, String backend) {
        return runTyped(c, c.model(), backend);
    }

    private static <P extends Record> Result runTyped(GoldenCase c, PaperModel<P> model, String backend) {
        @SuppressWarnings("unchecked")
        P params = (P) c.params();
        JitOptions opts = JitOptions.defaults().named("gradcheck_" + model.name()).onBackend(backend);
        Fn3<P, Tensor, Tensor, P> grad = Kiln.grad(model::exampleLoss);
        Fn3<P, Tensor, Tensor, P> perExample = Kiln.jit(Kiln.vmap(grad, Kiln.in(null, 0, 0)), opts);
        Fn3<P, Tensor, Tensor, Tensor> losses = Kiln.jit(Kiln.vmap(model::exampleLoss, Kiln.in(null, 0, 0)), opts);

        P g = perExample.apply(params, c.x(), c.y());
        Tensor l = losses.apply(params, c.x(), c.y());
        double lossErr = ArrayCompare.maxRelDiff(c.losses(), l.data());

        List<Tensor> leaves = PyTree.leaves(g);
        List<String> names = model.parameterNames();
        List<ParamError> errs = new ArrayList<>();
        double worst = lossErr;
        for (int i = 0; i < names.size(); i++) {
            ArrayData golden = c.grads().get(names.get(i));
            ArrayData mine = leaves.get(i).data();
            double e = mine.type().equals(golden.type()) ? ArrayCompare.maxRelDiff(golden, mine) : Double.POSITIVE_INFINITY;
            errs.add(new ParamError(names.get(i), e, ArrayCompare.maxAbs(golden)));
            worst = Math.max(worst, e);
        }
        return new Result(model.name(), c.batch(), lossErr, errs, worst);
    }

    /** Per-parameter errors as a name → error map (for tests and reports). */
    public static Map<String, Double> errors(Result r) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (ParamError p : r.params()) {
            m.put(p.name(), p.relError());
        }
        return m;
    }
}
