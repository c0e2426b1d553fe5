package dev.kiln.codegen.ptx;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
import dev.kiln.runtime.CompileOptions;
import dev.kiln.runtime.Kiln;
import dev.kiln.tracer.Fn3;
import dev.kiln.tracer.Random;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.nn.Conv2d;
import dev.kiln.tracer.nn.Embedding;
import dev.kiln.tracer.nn.Functional;
import dev.kiln.tracer.nn.Linear;
import dev.kiln.tracer.nn.Lstm;
import dev.kiln.tracer.ops.ConvOps;
import dev.kiln.tracer.tree.PyTree;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Per-example gradients (vmap of grad) of small versions of the paper's layer kinds, as PTX on the
 * emulator against the interpreter: dense layers, a convolution with max pooling, an embedding bag,
 * an LSTM. The graphs are those DP-SGD runs: batched products, grouped convolutions, scatter-adds.
 */
class PtxEmulatedModelsTest {

    record Mlp(Linear l1, Linear l2) {
    }

    record Cnn(Conv2d conv, Linear fc) {
    }

    record Bag(Embedding emb, Linear fc) {
    }

    record Rnn(Embedding emb, Lstm lstm, Linear fc) {
    }

    private static <P extends Record> void check(String what, P params, Tensor x, Tensor y, Fn3<P, Tensor, Tensor, Tensor> logits) {
        Fn3<P, Tensor, Tensor, Tensor> loss = (p, xi, yi) -> Functional.crossEntropy(logits.apply(p, xi.expandDims(0), null), yi.expandDims(0)).sum();
        Fn3<P, Tensor, Tensor, P> perExample = Kiln.vmap(Kiln.grad(loss), Kiln.in(null, 0, 0));
        Graph g = Kiln.makeGraph(perExample, params, x, y);
        List<ArrayData> inputs = new ArrayList<>();
        for (Tensor t : PyTree.leaves(List.of(params, x, y))) {
            inputs.add(t.data());
        }
        PtxTesting.checkAgainstInterpreter(g, inputs, new EmulatedDevice(), CompileOptions.defaults(what), what);
    }

    private static Tensor labels(int... ys) {
        return Tensor.of(ys, ys.length);
    }

    @Test
    void denseNetworkPerExampleGradients() {
        List<Tensor> k = Random.splitList(Random.key(1), 3);
        Mlp p = new Mlp(Linear.init(k.get(0), 6, 5), Linear.init(k.get(1), 5, 3));
        Tensor x = Random.normal(k.get(2), new int[]{4, 6}, DType.F32);
        check("mlp", p, x, labels(0, 2, 1, 2), (q, xs, unused) -> q.l2().apply(q.l1().apply(xs).relu()));
    }

    @Test
    void convolutionAndPoolingPerExampleGradients() {
        List<Tensor> k = Random.splitList(Random.key(2), 3);
        Cnn p = new Cnn(Conv2d.init(k.get(0), 2, 3, 3, 1, 1), Linear.init(k.get(1), 3 * 5 * 5, 3));
        Tensor x = Random.normal(k.get(2), new int[]{3, 2, 6, 6}, DType.F32);
        check("cnn", p, x, labels(1, 0, 2), (q, xs, unused) -> q.fc().apply(ConvOps.maxPool2d(q.conv().apply(xs).relu(), 2, 1, 0).flatten(1)));
    }

    @Test
    void embeddingBagPerExampleGradients() {
        List<Tensor> k = Random.splitList(Random.key(3), 2);
        Bag p = new Bag(Embedding.init(k.get(0), 20, 4), Linear.init(k.get(1), 4, 2));
        Tensor x = Tensor.of(new int[]{1, 5, 5, 19, 0, 3, 3, 3, 7, 12, 0, 0, 1, 2, 4}, 3, 5);
        check("embedding bag", p, x, labels(1, 0, 1), (q, xs, unused) -> q.fc().apply(q.emb().apply(xs).mean(1)));
    }

    @Test
    void lstmPerExampleGradients() {
        List<Tensor> k = Random.splitList(Random.key(4), 3);
        Rnn p = new Rnn(Embedding.init(k.get(0), 10, 3), Lstm.init(k.get(1), 3, 4), Linear.init(k.get(2), 4, 2));
        Tensor x = Tensor.of(new int[]{1, 2, 3, 9, 0, 4, 4, 8}, 2, 4);
        check("lstm", p, x, labels(1, 0), (q, xs, unused) -> {
            Tensor seq = q.emb().apply(xs).transpose(1, 0, 2); // [T, B, E], time-major
            return q.fc().apply(q.lstm().run(seq).mean(0));
        });
    }
}
