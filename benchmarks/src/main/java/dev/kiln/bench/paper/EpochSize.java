package dev.kiln.bench.paper;

/**
 * Training-set sizes of the paper's datasets (DESIGN.md's model table): an epoch of Adult is
 * 45,220 examples, MNIST 60,000, CIFAR-10 50,000, IMDb 25,000.
 */
public final class EpochSize {
    private EpochSize() {
    }

    public static int examples(String model) {
        return switch (model) {
            case "logreg", "ffnn" -> 45_220;
            case "mnist_cnn" -> 60_000;
            case "cifar10_cnn" -> 50_000;
            case "embedding", "lstm" -> 25_000;
            default -> throw new IllegalArgumentException("no dataset size for model '" + model + "'");
        };
    }

    /** Steps of an epoch at {@code batch}: the last, partial batch counts as a step. */
    public static int steps(String model, int batch) {
        int n = examples(model);
        return (n + batch - 1) / batch;
    }
}
