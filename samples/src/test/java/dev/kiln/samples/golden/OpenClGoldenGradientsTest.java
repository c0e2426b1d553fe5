package dev.kiln.samples.golden;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.ir.ArrayCompare;
import dev.kiln.runtime.Backend;
import dev.kiln.runtime.Backends;
import dev.kiln.runtime.JitOptions;
import dev.kiln.runtime.Kiln;
import dev.kiln.samples.models.PaperModel;
import dev.kiln.tracer.Fn3;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.tree.PyTree;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The six paper models on the OpenCL backend (PoCL on a machine without a GPU) against PyTorch's
 * golden files: one jitted DP-SGD-like step per model computes the per-example losses, the
 * per-example gradients, their joint norms, the clipping and the clipped sum, and each is compared
 * with the golden values. The programs build with {@code -cl-opt-disable}: PoCL then compiles them
 * several times faster; the optimised builds are exercised by codegen-opencl's own tests.
 */
class OpenClGoldenGradientsTest {

    @BeforeAll
    static void fastBuilds() {
        if (System.getProperty("kiln.opencl.options") == null) {
            System.setProperty("kiln.opencl.options", "-cl-opt-disable");
        }
    }

    private static void requireOpenCl() {
        Backend b = Backends.all().stream().filter(x -> x.name().equals("opencl")).findFirst().orElseThrow();
        Backend.Availability a = b.availability();
        if (!a.available() && System.getenv("KILN_REQUIRE_OPENCL") != null) {
            throw new AssertionError("no OpenCL device (KILN_REQUIRE_OPENCL is set): " + a.reason());
        }
        assumeTrue(a.available(), "no OpenCL device: " + a.reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {"logreg", "ffnn", "mnist_cnn", "embedding", "lstm", "cifar10_cnn"})
    void perExampleGradientsAndClippedSumsMatchPyTorchOnOpenCl(String model) {
        requireOpenCl();
        GoldenCase c = GoldenCase.load(GoldenGradientsTest.GOLDEN.resolve(model));
        List<Tensor> out = step(c, c.model(), "opencl");
        List<String> names = c.model().parameterNames();
        ArrayCompare.assertCloseToScale(c.losses(), out.getFirst().data(), 2e-5, model + " per-example losses");
        for (int i = 0; i < names.size(); i++) {
            ArrayCompare.assertCloseToScale(c.grads().get(names.get(i)), out.get(1 + i).data(), 2e-4,
                    model + " per-example gradient of " + names.get(i));
        }
        if (c.norms() != null) {
            ArrayCompare.assertCloseToScale(c.norms(), out.get(1 + names.size()).data(), 2e-5, model + " per-example norms");
        }
        for (int i = 0; i < names.size() && !c.clippedSum().isEmpty(); i++) {
            ArrayCompare.assertCloseToScale(c.clippedSum().get(names.get(i)), out.get(2 + names.size() + i).data(), 2e-4,
                    model + " clipped sum of " + names.get(i));
        }
    }

    /**
     * One jitted step: per-example losses, gradients (one per parameter, batched), joint norms,
     * and {@code sum_b g_b / max(1, |g_b| / clip)} per parameter.
     */
    static <P extends Record> List<Tensor> step(GoldenCase c, PaperModel<P> m, String backend) {
        @SuppressWarnings("unchecked")
        P params = (P) c.params();
        Fn3<P, Tensor, Tensor, P> perExample = Kiln.vmap(Kiln.grad(m::exampleLoss), Kiln.in(null, 0, 0));
        Fn3<P, Tensor, Tensor, Tensor> losses = Kiln.vmap(m::exampleLoss, Kiln.in(null, 0, 0));
        double clip = c.clip();
        Fn3<P, Tensor, Tensor, List<Tensor>> step = (p, x, y) -> {
            List<Tensor> gs = PyTree.leaves(perExample.apply(p, x, y));
            Tensor squares = null;
            for (Tensor g : gs) {
                Tensor s = g.square().sum(IntStream.range(1, g.rank()).toArray());
                squares = squares == null ? s : squares.add(s);
            }
            Tensor norms = squares.sqrt();
            Tensor factor = norms.div(clip).maximum(1.0).reciprocal();
            List<Tensor> out = new ArrayList<>();
            out.add(losses.apply(p, x, y));
            out.addAll(gs);
            out.add(norms);
            for (Tensor g : gs) {
                int[] shape = new int[g.rank()];
                java.util.Arrays.fill(shape, 1);
                shape[0] = g.dim(0);
                out.add(g.mul(factor.reshape(shape)).sum(0));
            }
            return out;
        };
        return Kiln.jit(step, JitOptions.defaults().named("dpsgd_" + m.name()).onBackend(backend)).apply(params, c.x(), c.y());
    }
}
