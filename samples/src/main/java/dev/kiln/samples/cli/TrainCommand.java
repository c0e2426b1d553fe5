package dev.kiln.samples.cli;

import dev.kiln.samples.train.TrainConfig;
import dev.kiln.samples.train.Trainer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kiln train}: trains a paper model, with DP-SGD when {@code --dp} is given. */
@Command(name = "train", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Train one of the paper's models; privately with --dp: DP-SGD clips each",
            "example's gradient to norm --clip, adds Gaussian noise of std sigma x clip to",
            "the sum, all in one jitted step. Prints per epoch the time, training loss,",
            "held-out loss and accuracy and, with --dp, the privacy spent (epsilon).",
            "",
            "Data: synthetic by default (random inputs labelled by a fixed random teacher",
            "network of the same architecture, so accuracy can rise well above chance), or",
            "the real dataset in --data DIR (formats: docs/data.md).",
            "",
            "Privacy accounting: RDP of the Poisson-subsampled Gaussian mechanism, Balle et",
            "al. 2020 conversion. An epoch over N examples at batch size B is floor(N/B)",
            "steps, each sampling every example with probability q = B/N; after E epochs",
            "epsilon counts E x floor(N/B) steps. --epsilon solves for the smallest sigma",
            "reaching it after all --epochs. Poisson draws are padded to a fixed physical",
            "size (masked rows), never truncated: a larger draw is split into micro-batches",
            "whose clipped sums add up before one noisy update.",
            ""},
        footer = {"", "Examples:",
            "  ./kiln train --model logreg --dp --epochs 3 --sigma 1.0",
            "  ./kiln train --model mnist_cnn --dp --epsilon 3 --data ~/mnist --checkpoint ck",
            "  ./kiln train --model mnist_cnn --dp --epsilon 3 --data ~/mnist --checkpoint ck --resume"})
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "one of ${COMPLETION-CANDIDATES}",
            completionCandidates = ModelNames.class)
    String model;

    @Option(names = "--dp", description = "train with DP-SGD (per-example clipping and Gaussian noise)")
    boolean dp;

    @Option(names = "--epochs", defaultValue = "3", description = "passes over the training set; with --resume, the total (default ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--batch", defaultValue = "128", description = "logical batch size B; for Poisson sampling the expected size q x N (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--clip", description = "clipping norm C of each example's gradient (default 1.0)")
    Double clip;

    @Option(names = "--sigma", description = "noise multiplier: the noise std is sigma x C (default 1.0 unless --epsilon)")
    Double sigma;

    @Option(names = "--epsilon", description = "target epsilon after all epochs: solves for sigma instead of --sigma")
    Double epsilon;

    @Option(names = "--delta", defaultValue = "1e-5", description = "delta of the (epsilon, delta) guarantee (default ${DEFAULT-VALUE}); keep it below 1/N")
    double delta;

    @Option(names = "--per-layer", description = "clip each parameter tensor to C/sqrt(L) (L tensors) instead of the whole gradient to C")
    boolean perLayer;

    @Option(names = "--lr", description = "learning rate (default: 0.5 sgd, 0.1 momentum, 0.002 adam)")
    Double lr;

    @Option(names = "--optimizer", defaultValue = "sgd", description = "sgd, momentum (0.9) or adam, with PyTorch's semantics (default ${DEFAULT-VALUE})")
    String optimizer;

    @Option(names = "--sampling", description = "poisson (each example with probability q = B/N; default with --dp) or "
            + "shuffle (fixed batches of B from a permutation, the last partial batch dropped; default without --dp)")
    String sampling;

    @Option(names = "--virtual-batch", defaultValue = "0", paramLabel = "N",
            description = "physical micro-batch size: each logical batch runs as micro-batches of N whose (clipped) "
                    + "gradient sums are added before one update and one noise draw (Opacus' max_physical_batch_size). "
                    + "Default: B for shuffle, B + 2.5 standard deviations of the draw size for Poisson")
    int virtualBatch;

    @Option(names = "--data", paramLabel = "DIR", description = "folder of the real dataset (MNIST IDX, CIFAR-10 binary, Adult CSV, IMDb token ids: docs/data.md)")
    Path data;

    @Option(names = "--train-size", paramLabel = "N", description = "training examples: how many synthetic ones to make (default 10000), or the first N of --data")
    Integer trainSize;

    @Option(names = "--test-size", paramLabel = "N", description = "held-out examples (default: synthetic N/5 up to 2000; the whole test file of --data)")
    Integer testSize;

    @Option(names = "--checkpoint", paramLabel = "DIR", description = "save parameters and optimiser state (.npy) here after every epoch")
    Path checkpoint;

    @Option(names = "--resume", description = "continue from the latest checkpoint in --checkpoint DIR (bit for bit, with a seed)")
    boolean resume;

    @Option(names = "--seed", defaultValue = "0", description = "seed of initialisation, synthetic data, sampling and noise (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--secure", description = "draw the noise and the sampling from SecureRandom (production; not reproducible)")
    boolean secure;

    @Option(names = "--backend", description = "jvm, interpreter, opencl or ptx (default: the best available)")
    String backend;

    @Option(names = "--no-progress", negatable = false, description = "no progress bar")
    boolean noProgress;

    @Override
    public Integer call() {
        Trainer.run(config(), System.out);
        return 0;
    }

    TrainConfig config() {
        return new TrainConfig(model, dp, epochs, batch, clip, sigma, epsilon, delta, lr, optimizer, sampling, virtualBatch,
                data, trainSize, testSize, checkpoint, resume, seed, secure, backend, perLayer, !noProgress);
    }

    /** The configuration a command line gives (parsing and validation only; for tests). */
    static TrainConfig parse(String... args) {
        TrainCommand cmd = new TrainCommand();
        new CommandLine(cmd).parseArgs(args);
        return cmd.config();
    }
}
