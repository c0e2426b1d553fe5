package dev.kiln.samples.models;

import dev.kiln.ir.DType;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.nn.Linear;
import java.util.List;

/** Logistic regression on Adult: Linear(104, 2). */
public final class LogReg implements PaperModel<LogReg.Params> {
    public record Params(Linear fc1) {
    }

    @Override
    public String name() {
        return "logreg";
    }

    @Override
    public Params init(Tensor key) {
        return new Params(Linear.init(key, 104, 2));
    }

    @Override
    public Tensor logits(Params p, Tensor x) {
        return p.fc1().apply(x);
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
        return List.of("fc1.weight", "fc1.bias");
    }
}
