package dev.kiln.samples.golden;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GoldenGradientsTest {
    static final Path GOLDEN = Path.of("..", "testdata", "golden");

    @ParameterizedTest
    @ValueSource(strings = {"logreg", "ffnn", "mnist_cnn", "embedding", "lstm", "cifar10_cnn"})
    void perExampleGradientsMatchPyTorchOnTheInterpreter(String model) {
        GradCheck.Result r = GradCheck.run(GoldenCase.load(GOLDEN.resolve(model)), "interpreter");
        assertTrue(r.passes(1e-4), model + ": worst relative error " + r.worst() + " loss " + r.lossRelError()
                + " per parameter " + GradCheck.errors(r));
    }
}
