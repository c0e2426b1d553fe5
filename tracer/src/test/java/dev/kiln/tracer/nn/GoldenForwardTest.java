package dev.kiln.tracer.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.io.Npy;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.ops.ConvOps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The layers, wired as the paper's six models, reproduce PyTorch's logits and per-example losses
 * on the golden cases (testdata/golden, computed in f64 by PyTorch): evidence that weight layouts,
 * gate order, padding, pooling, flatten order and the loss match PyTorch's exactly.
 */
class GoldenForwardTest {
    private static final Path GOLDEN = Path.of("..", "testdata", "golden");

    private static Tensor load(String model, String file) {
        return Tensor.of(Npy.read(GOLDEN.resolve(model).resolve(file)));
    }

    private static Linear linear(String model, String name) {
        return new Linear(load(model, "params/" + name + ".weight.npy"), load(model, "params/" + name + ".bias.npy"));
    }

    private static Conv2d conv(String model, String name, int stride, int padding) {
        return new Conv2d(load(model, "params/" + name + ".weight.npy"), load(model, "params/" + name + ".bias.npy"),
                stride, padding);
    }

    /** Runs {@code logits} on the golden inputs and compares logits and per-example loss. */
    private static void check(String model, BiFunction<String, Tensor, Tensor> logits) {
        Assumptions.assumeTrue(Files.isDirectory(GOLDEN.resolve(model)), "golden data not checked out");
        Tensor x = load(model, "x.npy"), y = load(model, "y.npy");
        Tensor out = logits.apply(model, x);
        Tensor expected = load(model, "logits.npy");
        assertEquals(expected.type(), out.type(), model + " logits");
        double scale = expected.abs().amax().item();
        double gap = out.sub(expected).abs().amax().item();
        assertTrue(gap <= 1e-5 * Math.max(1, scale), model + ": logits differ by " + gap + " (largest logit " + scale + ")");
        Tensor loss = Functional.crossEntropy(out, y);
        double lossGap = loss.sub(load(model, "loss.npy")).abs().amax().item();
        assertTrue(lossGap <= 1e-5, model + ": losses differ by " + lossGap);
    }

    @Test
    void logisticRegression() {
        check("logreg", (m, x) -> linear(m, "fc1").apply(x));
    }

    @Test
    void feedForwardNetwork() {
        check("ffnn", (m, x) -> linear(m, "fc2").apply(linear(m, "fc1").apply(x).relu()));
    }

    @Test
    void mnistCnn() {
        check("mnist_cnn", (m, x) -> {
            Tensor h = ConvOps.maxPool2d(conv(m, "conv1", 2, 3).apply(x).relu(), 2, 1, 0);
            h = ConvOps.maxPool2d(conv(m, "conv2", 2, 0).apply(h).relu(), 2, 1, 0);
            h = Functional.flatten(h);
            return linear(m, "fc2").apply(linear(m, "fc1").apply(h).relu());
        });
    }

    @Test
    void cifar10Cnn() {
        check("cifar10_cnn", (m, x) -> {
            Function<Integer, Conv2d> c = i -> conv(m, "conv" + i, 1, 1);
            Tensor h = c.apply(1).apply(x).relu();
            h = ConvOps.avgPool2d(c.apply(2).apply(h).relu(), 2);
            h = c.apply(3).apply(h).relu();
            h = ConvOps.avgPool2d(c.apply(4).apply(h).relu(), 2);
            h = c.apply(5).apply(h).relu();
            h = ConvOps.avgPool2d(c.apply(6).apply(h).relu(), 2);
            h = c.apply(7).apply(h).relu();
            return ConvOps.globalAvgPool(c.apply(8).apply(h));
        });
    }

    @Test
    void embeddingBag() {
        check("embedding", (m, x) -> {
            Embedding emb = new Embedding(load(m, "params/emb.weight.npy"));
            return linear(m, "fc1").apply(emb.apply(x).mean(1));
        });
    }

    @Test
    void lstm() {
        check("lstm", (m, x) -> {
            Embedding emb = new Embedding(load(m, "params/emb.weight.npy"));
            Lstm lstm = new Lstm(load(m, "params/lstm.weight_ih_l0.npy"), load(m, "params/lstm.weight_hh_l0.npy"),
                    load(m, "params/lstm.bias_ih_l0.npy"), load(m, "params/lstm.bias_hh_l0.npy"));
            Tensor timeMajor = emb.apply(x).transpose(1, 0, 2);
            return linear(m, "fc1").apply(lstm.run(timeMajor).mean(0));
        });
    }
}
