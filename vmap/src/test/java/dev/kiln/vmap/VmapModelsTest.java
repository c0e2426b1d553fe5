package dev.kiln.vmap;

import dev.kiln.ir.DType;
import dev.kiln.ir.TensorType;
import dev.kiln.tracer.Fn3;
import dev.kiln.tracer.FnN;
import dev.kiln.tracer.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Whole per-example model losses written with the Tensor API: vmap equals the loop over examples. */
class VmapModelsTest {
    record Cnn(Tensor conv, Tensor fc) {
    }

    record Bag(Tensor table, Tensor w) {
    }

    private static final java.util.Random RNG = new java.util.Random(11);

    private static Tensor randn(int... shape) {
        return Tensor.of(Gen.normal().fill(TensorType.of(DType.F32, shape), RNG));
    }

    private static Tensor labels(int n, int classes) {
        return Tensor.of(Gen.index(classes).fill(TensorType.of(DType.I32, n), RNG));
    }

    /** One example {@code [1, 8, 8]} through conv, relu, max pool, a linear layer and cross-entropy. */
    private static final FnN CNN_LOSS = ((Fn3<Cnn, Tensor, Tensor, Tensor>) (p, x, y) -> x.reshape(1, 1, 8, 8)
            .conv2d(p.conv(), 2, 1).relu().maxPool2d(2, 1, 0).reshape(-1)
            .matmul(p.fc().mT()).logSoftmax(0).pick(y).neg()).erase();

    private static Tensor call(FnN f, Object... args) {
        return (Tensor) f.apply(Arrays.asList(args));
    }

    @Test
    void perExampleCnnLossMatchesLoop() {
        Cnn p = new Cnn(randn(4, 1, 3, 3), randn(10, 36));
        Tensor xs = randn(5, 1, 8, 8), ys = labels(5, 10);
        Tensor got = call(Vmap.vmap(CNN_LOSS, Vmap.in(null, 0, 0)), p, xs, ys);
        List<Tensor> loop = new ArrayList<>();
        for (int b = 0; b < 5; b++) {
            loop.add(call(CNN_LOSS, p, xs.index(0, b), ys.index(0, b)));
        }
        ArrayOps.assertClose(Tensor.stack(0, loop).data(), got.data(), 2e-5, "cnn losses");
    }

    @Test
    void ensembleOfCnnKernelsOnSharedDataMatchesLoop() {
        Cnn ensemble = new Cnn(randn(3, 4, 1, 3, 3), randn(10, 36));
        Tensor x = randn(1, 8, 8), y = labels(1, 10).index(0, 0);
        // A Cnn record cannot hold Integer axes, so the record's axes are given by component name.
        java.util.Map<String, Object> axes = new java.util.LinkedHashMap<>();
        axes.put("conv", 0);
        axes.put("fc", null);
        Tensor got = call(Vmap.vmap(CNN_LOSS, Vmap.in(axes, null, null)), ensemble, x, y);
        List<Tensor> loop = new ArrayList<>();
        for (int b = 0; b < 3; b++) {
            loop.add(call(CNN_LOSS, new Cnn(ensemble.conv().index(0, b), ensemble.fc()), x, y));
        }
        ArrayOps.assertClose(Tensor.stack(0, loop).data(), got.data(), 2e-5, "ensemble losses");
    }

    @Test
    void perExampleEmbeddingBagMatchesLoop() {
        FnN logits = ((Fn3<Bag, Tensor, Tensor, Tensor>) (p, tokens, unused) ->
                p.table().take(tokens).mean(0).matmul(p.w())).erase();
        Bag p = new Bag(randn(20, 4), randn(4, 2));
        Tensor tokens = Tensor.of(Gen.index(20).fill(TensorType.of(DType.I32, 6, 7), RNG));
        Tensor got = call(Vmap.vmap(logits, Vmap.in(null, 1, null), 0), p, tokens, Tensor.scalar(0));
        List<Tensor> loop = new ArrayList<>();
        for (int b = 0; b < 7; b++) {
            loop.add(call(logits, p, tokens.index(1, b), Tensor.scalar(0)));
        }
        ArrayOps.assertClose(Tensor.stack(0, loop).data(), got.data(), 2e-5, "embedding logits");
    }
}
