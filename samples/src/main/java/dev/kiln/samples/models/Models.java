package dev.kiln.samples.models;

import dev.kiln.ir.KilnException;
import java.util.List;

/** The paper's six models by name. */
public final class Models {
    public static final List<String> NAMES = List.of("logreg", "ffnn", "mnist_cnn", "cifar10_cnn", "embedding", "lstm");

    private Models() {
    }

    /** The model called {@code name} at the paper's benchmark size. */
    public static PaperModel<?> byName(String name) {
        return switch (name) {
            case "logreg" -> new LogReg();
            case "ffnn" -> new Ffnn();
            case "mnist_cnn" -> new MnistCnn();
            case "cifar10_cnn" -> new Cifar10Cnn();
            case "embedding" -> new EmbeddingModel();
            case "lstm" -> new LstmModel();
            default -> throw new KilnException("model", "unknown model '" + name + "'", null, "choose one of " + NAMES);
        };
    }
}
