package dev.kiln.samples.models;

import dev.kiln.ir.DType;
import dev.kiln.tracer.Random;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.nn.Conv2d;
import dev.kiln.tracer.ops.ConvOps;
import java.util.ArrayList;
import java.util.List;

/**
 * The paper's CIFAR-10 CNN (Papernot et al. 2020, ReLU; 605,226 parameters): 3x3 convolutions
 * with padding 1: 3→32→32, AvgPool 2; 32→64→64, AvgPool 2; 64→128→128, AvgPool 2; 128→256,
 * 256→10 (no ReLU after the last), then the mean over height and width.
 */
public final class Cifar10Cnn implements PaperModel<Cifar10Cnn.Params> {
    public record Params(Conv2d conv1, Conv2d conv2, Conv2d conv3, Conv2d conv4,
                         Conv2d conv5, Conv2d conv6, Conv2d conv7, Conv2d conv8) {
    }

    private static final int[][] CHANNELS = {{3, 32}, {32, 32}, {32, 64}, {64, 64}, {64, 128}, {128, 128},
        {128, 256}, {256, 10}};

    @Override
    public String name() {
        return "cifar10_cnn";
    }

    @Override
    public Params init(Tensor key) {
        List<Tensor> k = Random.splitList(key, 8);
        Conv2d[] c = new Conv2d[8];
        for (int i = 0; i < 8; i++) {
            c[i] = Conv2d.init(k.get(i), CHANNELS[i][0], CHANNELS[i][1], 3, 1, 1);
        }
        return new Params(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]);
    }

    @Override
    public Tensor logits(Params p, Tensor x) {
        Tensor h = p.conv1().apply(x).relu();
        h = ConvOps.avgPool2d(p.conv2().apply(h).relu(), 2, 2, 0);
        h = p.conv3().apply(h).relu();
        h = ConvOps.avgPool2d(p.conv4().apply(h).relu(), 2, 2, 0);
        h = p.conv5().apply(h).relu();
        h = ConvOps.avgPool2d(p.conv6().apply(h).relu(), 2, 2, 0);
        h = p.conv7().apply(h).relu();
        return p.conv8().apply(h).mean(2, 3);
    }

    @Override
    public int[] exampleShape() {
        return new int[] {3, 32, 32};
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
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            names.add("conv" + i + ".weight");
            names.add("conv" + i + ".bias");
        }
        return names;
    }
}
