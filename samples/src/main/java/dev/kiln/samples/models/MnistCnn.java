package dev.kiln.samples.models;

import dev.kiln.ir.DType;
import dev.kiln.tracer.Random;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.nn.Conv2d;
import dev.kiln.tracer.nn.Linear;
import dev.kiln.tracer.ops.ConvOps;
import java.util.List;

/**
 * The paper's MNIST CNN (26,010 parameters): Conv(1→16, 8x8, stride 2, pad 3), ReLU,
 * MaxPool(2, stride 1), Conv(16→32, 4x4, stride 2), ReLU, MaxPool(2, stride 1), flatten in
 * (C, H, W) order, Linear(512, 32), ReLU, Linear(32, 10).
 */
public final class MnistCnn implements PaperModel<MnistCnn.Params> {
    public record Params(Conv2d conv1, Conv2d conv2, Linear fc1, Linear fc2) {
    }

    @Override
    public String name() {
        return "mnist_cnn";
    }

    @Override
    public Params init(Tensor key) {
        List<Tensor> k = Random.splitList(key, 4);
        return new Params(Conv2d.init(k.get(0), 1, 16, 8, 2, 3), Conv2d.init(k.get(1), 16, 32, 4, 2, 0),
                Linear.init(k.get(2), 512, 32), Linear.init(k.get(3), 32, 10));
    }

    @Override
    public Tensor logits(Params p, Tensor x) {
        Tensor h = ConvOps.maxPool2d(p.conv1().apply(x).relu(), 2, 1, 0);
        h = ConvOps.maxPool2d(p.conv2().apply(h).relu(), 2, 1, 0);
        return p.fc2().apply(p.fc1().apply(h.flatten(1)).relu());
    }

    @Override
    public int[] exampleShape() {
        return new int[] {1, 28, 28};
    }

    @Override
    public DType inputType() {
        return DType.F32;
    }

    @Override
    public int classes() {
        return 10;
    }

    @Override
    public List<String> parameterNames() {
        return List.of("conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias",
                "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias");
    }
}
