package dev.kiln.samples.models;

import dev.kiln.ir.DType;
import dev.kiln.tracer.Random;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.nn.Linear;
import java.util.List;

/** The fully connected network on Adult: Linear(104, 50), ReLU, Linear(50, 2). */
public final class Ffnn implements PaperModel<Ffnn.Params> {
    public record Params(Linear fc1, Linear fc2) {
    }

    @Override
    public String name() {
        return "ffnn";
    }

    @Override
    public Params init(Tensor key) {
        List<Tensor> k = Random.splitList(key, 2);
        return new Params(Linear.init(k.get(0), 104, 50), Linear.init(k.get(1), 50, 2));
    }

    @Override
    public Tensor logits(Params p, Tensor x) {
        return p.fc2().apply(p.fc1().apply(x).relu());
    }

    @Override
    public int[] exampleShape() {
        return new int[] {104};
    }

    @Override
    public DType inputType() {
        return DType.F32;
    }

    @Override
    public int classes() {
        return 2;
    }

    @Override
    public List<String> parameterNames() {
        return List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias");
    }
}
