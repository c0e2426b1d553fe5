package dev.kiln.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
import dev.kiln.tracer.Fn1;
import dev.kiln.tracer.Fn2;
import dev.kiln.tracer.FnN;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.Tracing;
import dev.kiln.tracer.ops.ConvOps;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Second-order derivatives: grad of a function that calls grad. The oracle is finite differences
 * of the first derivative: for {@code h(x, v) = sum(v * grad(f)(x))}, grad(h) is checked against
 * central differences of h, which itself runs the first-order gradient graph.
 */
class SecondOrderTest {

    @Test
    void secondDerivativeOfAScalarFunctionMatchesTheAnalyticOne() {
        FnN f = ((Fn1<Tensor, Tensor>) x -> x.mul(x).mul(x).mul(x.sin())).erase();
        FnN d2 = Autodiff.grad(Autodiff.grad(f, new int[] {0}, false), new int[] {0}, false);
        for (double x : new double[] {-1.3, 0.2, 0.7, 2.5}) {
            double expected = 6 * x * Math.sin(x) + 6 * x * x * Math.cos(x) - x * x * x * Math.sin(x);
            Tensor got = (Tensor) d2.apply(List.of(Tensor.scalar(x, DType.F64)));
            assertEquals(expected, got.item(), 1e-12);
        }
    }

    /** {@code h(args..., v) = sum(v * grad_0(f)(args...))}, as a graph. */
    private static Graph gradDotV(FnN f, List<Object> argSpecs) {
        FnN df = Autodiff.grad(f, new int[] {0}, false);
        FnN h = args -> {
            Tensor v = (Tensor) args.get(args.size() - 1);
            Tensor d = (Tensor) df.apply(args.subList(0, args.size() - 1));
            return d.mul(v).sum();
        };
        List<Object> specs = new ArrayList<>(argSpecs);
        specs.add(((Tensor) argSpecs.get(0)).type());
        return Tracing.makeGraph(h, specs);
    }

    private static void checkSecondOrder(FnN f, List<ArrayData> args, boolean[] wrt) {
        Random r = new Random(args.size());
        List<Object> specs = new ArrayList<>();
        for (ArrayData a : args) {
            specs.add(Tensor.of(a));
        }
        Graph h = gradDotV(f, specs);
        List<ArrayData> inputs = new ArrayList<>(args);
        inputs.add(GradCheck.normal(r, args.get(0).shape().toArray()));
        boolean[] all = java.util.Arrays.copyOf(wrt, wrt.length + 1);
        GradCheck.checkGrad(h, inputs, all);
    }

    @Test
    void gradOfGradOfElementwiseFunctionsMatchesFiniteDifferences() {
        Fn1<Tensor, Tensor> f = x -> x.sin().mul(x.mul(0.3).exp())
                .add(x.tanh().square())
                .add(x.square().log1p())
                .add(x.square().add(1.0).sqrt())
                .add(x.sigmoid().mul(x).div(x.square().add(1.0)))
                .add(x.abs().add(1.0).pow(1.5))
                .add(x.cos().mul(x.square().add(2.0).rsqrt()))
                .sum();
        ArrayData x = GradCheck.normal(new Random(1), 2, 3);
        checkSecondOrder(f.erase(), List.of(x), new boolean[] {true});
    }

    @Test
    void gradOfGradOfADotGeneralNetworkMatchesFiniteDifferences() {
        // Second order in w, and mixed (d/dx of d/dw).
        Fn2<Tensor, Tensor, Tensor> f = (w, x) -> x.matmul(w).tanh().square().sum()
                .add(Tensor.einsum("bij,bjk->bik", x.reshape(2, 2, 3), w.reshape(1, 3, 2).broadcastTo(2, 3, 2)).exp().sum());
        Random r = new Random(2);
        ArrayData w = GradCheck.normal(r, 3, 2), x = GradCheck.uniform(r, -0.5, 0.5, 4, 3);
        checkSecondOrder(f.erase(), List.of(w, x), new boolean[] {true, true});
    }

    @Test
    void gradOfGradOfReductionsMatchesFiniteDifferences() {
        Fn1<Tensor, Tensor> f = x -> x.logsumexp(1, false).sum()
                .add(x.square().mean(0).sum().mul(x.sum(1).sum()))
                .add(x.mul(x).amax(1).sum())
                .add(Tensor.concat(0, x, x.flip(1).mul(2.0)).slice(0, 1, 4, 2).square().sum());
        ArrayData x = GradCheck.distinct(new Random(3), 0.05, 3, 4);
        checkSecondOrder(f.erase(), List.of(x), new boolean[] {true});
    }

    @Test
    void gradOfGradOfConvolutionAndPoolingMatchesFiniteDifferences() {
        Fn2<Tensor, Tensor, Tensor> f = (w, x) -> {
            Tensor y = ConvOps.conv2d(x, w, new int[] {2, 1}, new int[] {1, 0}, new int[] {1, 1}, 2).tanh();
            Tensor p = ConvOps.maxPool2d(y, 2, 1, 0);
            return p.square().sum().add(ConvOps.avgPool2d(y, 2).exp().sum());
        };
        Random r = new Random(4);
        ArrayData w = GradCheck.normal(r, 4, 1, 2, 2), x = GradCheck.distinct(r, 0.02, 2, 2, 5, 5);
        checkSecondOrder(f.erase(), List.of(w, x), new boolean[] {true, true});
    }
}
