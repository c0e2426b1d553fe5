package dev.kiln.samples.data;

import dev.kiln.ir.KilnException;
import dev.kiln.samples.models.PaperModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The paper's real datasets, read from a folder (formats in docs/data.md): MNIST for
 * {@code mnist_cnn}, CIFAR-10 for {@code cifar10_cnn}, Adult for {@code logreg} and {@code ffnn},
 * IMDb for {@code embedding} and {@code lstm}. Every reader checks shapes and values and names the
 * file and line of the first problem.
 */
public final class RealData {
    /** A training set and its held-out test set. */
    public record Split(Dataset train, Dataset test) {
    }

    private RealData() {
    }

    public static Split load(PaperModel<?> model, Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new KilnException("data", dir + " is not a folder", null, "--data names the folder holding the dataset's files");
        }
        Split s = switch (model.name()) {
            case "mnist_cnn" -> MnistIdx.load(dir);
            case "cifar10_cnn" -> Cifar10Binary.load(dir);
            case "logreg", "ffnn" -> AdultCsv.load(dir);
            case "embedding", "lstm" -> ImdbTokens.load(dir, model.exampleShape()[0], model.vocabulary());
            default -> throw new KilnException("data", "no real dataset is known for model " + model.name());
        };
        check(model, s.train());
        check(model, s.test());
        return s;
    }

    /** The dataset's example shape and classes must be the model's. */
    public static void check(PaperModel<?> model, Dataset d) {
        if (!Arrays.equals(d.exampleShape(), model.exampleShape()) || d.x().dtype() != model.inputType()) {
            throw new KilnException("data", d.description() + " has examples " + d.x().dtype() + Arrays.toString(d.exampleShape())
                    + " but " + model.name() + " takes " + model.inputType() + Arrays.toString(model.exampleShape()));
        }
        if (d.classes() != model.classes()) {
            throw new KilnException("data", d.description() + " has " + d.classes() + " classes but " + model.name()
                    + " predicts " + model.classes());
        }
    }
}
