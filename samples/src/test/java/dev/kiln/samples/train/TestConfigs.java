package dev.kiln.samples.train;

import java.nio.file.Path;

/** TrainConfig with the command line's defaults, changed field by field (test helper). */
final class TestConfigs {
    String model = "logreg";
    boolean dp = true;
    int epochs = 2;
    int batch = 32;
    Double clip;
    Double sigma = 1.0;
    Double epsilon;
    double delta = 1e-5;
    Double lr;
    String optimizer = "sgd";
    String sampling;
    int virtualBatch;
    Path data;
    Integer trainSize;
    Integer testSize;
    Path checkpoint;
    boolean resume;
    long seed;
    boolean secure;
    String backend;
    boolean perLayer;

    static TestConfigs dp(String model) {
        TestConfigs t = new TestConfigs();
        t.model = model;
        return t;
    }

    TrainConfig build() {
        return new TrainConfig(model, dp, epochs, batch, clip, sigma, epsilon, delta, lr, optimizer, sampling, virtualBatch,
                data, trainSize, testSize, checkpoint, resume, seed, secure, backend, perLayer, false);
    }
}
