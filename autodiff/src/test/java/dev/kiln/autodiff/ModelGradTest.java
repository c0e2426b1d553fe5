package dev.kiln.autodiff;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Graph;
import dev.kiln.ir.interp.Interpreter;
import dev.kiln.tracer.Fn3;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.Tracing;
import dev.kiln.tracer.nn.Functional;
import dev.kiln.tracer.ops.ConvOps;
import dev.kiln.tracer.ops.IndexOps;
import dev.kiln.tracer.tree.PyTree;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Gradients of small models' losses with respect to a record of parameters, through the user
 * API, against f64 finite differences of the loss.
 */
class ModelGradTest {

    record Mlp(Tensor w1, Tensor b1, Tensor w2, Tensor b2) {
    }

    record Cnn(Tensor conv, Tensor convBias, Tensor fc, Tensor fcBias) {
    }

    record EmbeddingModel(Tensor table, Tensor fc) {
    }

    private static Tensor linear(Tensor x, Tensor w, Tensor b) {
        return x.matmul(w.mT()).add(b);
    }

    /** Checks {@code grad(loss, argnums 0)} at {@code (params, x, y)} leaf by leaf against finite differences. */
    private static <P> void checkParamsGrad(Fn3<P, Tensor, Tensor, Tensor> loss, P params, Tensor x, Tensor y) {
        List<Object> args = List.of(params, x, y);
        @SuppressWarnings("unchecked")
        P grad = (P) Autodiff.grad(loss.erase(), new int[] {0}, false).apply(args);
        Graph g = Tracing.makeGraph(loss.erase(), args);
        List<ArrayData> inputs = new ArrayList<>();
        for (Tensor t : PyTree.leaves(args)) {
            inputs.add(t.data());
        }
        List<Tensor> gradLeaves = PyTree.leaves(grad);
        List<String> names = PyTree.flatten(params).def().leafPaths("params");
        for (int i = 0; i < gradLeaves.size(); i++) {
            ArrayData fd = GradCheck.finiteDifference(inputs, i, xs -> Interpreter.run(g, xs).get(0).getDouble(0));
            GradCheck.assertClose(fd, gradLeaves.get(i).data(), names.get(i));
        }
    }

    private static Tensor normal(Random r, int... dims) {
        return Tensor.of(GradCheck.normal(r, dims));
    }

    @Test
    void mlpCrossEntropyGradientMatchesFiniteDifferences() {
        Random r = new Random(11);
        Mlp p = new Mlp(normal(r, 6, 5), normal(r, 6), normal(r, 3, 6), normal(r, 3));
        Fn3<Mlp, Tensor, Tensor, Tensor> loss = (m, x, y) ->
                Functional.crossEntropyMean(linear(linear(x, m.w1(), m.b1()).tanh(), m.w2(), m.b2()), y);
        checkParamsGrad(loss, p, normal(r, 4, 5), Tensor.of(new int[] {0, 2, 1, 2}));
    }

    @Test
    void cnnWithMaxPoolingGradientMatchesFiniteDifferences() {
        Random r = new Random(12);
        Cnn p = new Cnn(normal(r, 3, 2, 3, 3), normal(r, 3), normal(r, 2, 3 * 2 * 2), normal(r, 2));
        Fn3<Cnn, Tensor, Tensor, Tensor> loss = (m, x, y) -> {
            Tensor h = ConvOps.conv2d(x, m.conv(), 2, 1).add(m.convBias().reshape(1, 3, 1, 1)).relu();
            Tensor pooled = ConvOps.maxPool2d(h, 2, 1, 0);
            return Functional.crossEntropyMean(linear(Functional.flatten(pooled), m.fc(), m.fcBias()), y);
        };
        checkParamsGrad(loss, p, Tensor.of(GradCheck.distinct(r, 0.01, 2, 2, 5, 5)), Tensor.of(new int[] {1, 0}));
    }

    @Test
    void embeddingModelGradientMatchesFiniteDifferences() {
        Random r = new Random(13);
        EmbeddingModel p = new EmbeddingModel(normal(r, 7, 4), normal(r, 2, 4));
        Fn3<EmbeddingModel, Tensor, Tensor, Tensor> loss = (m, ids, y) ->
                Functional.crossEntropyMean(IndexOps.embedding(m.table(), ids).mean(1).matmul(m.fc().mT()), y);
        checkParamsGrad(loss, p, Tensor.of(new int[] {1, 3, 3, 6, 0, 1}, 2, 3), Tensor.of(new int[] {1, 0}));
    }
}
