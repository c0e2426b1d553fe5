package dev.kiln.samples.train;

import dev.kiln.ir.KilnException;
import dev.kiln.privacy.optim.Optimizers;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings of one training run ({@code kiln train}), validated: every bad value is a
 * {@link KilnException} naming the command-line option. Nullable fields are "not given".
 *
 * @param model         the paper model's name
 * @param dp            DP-SGD (per-example clipping and noise) or ordinary training
 * @param epochs        passes over the training set (the total when resuming)
 * @param batch         the (expected, for Poisson) logical batch size B
 * @param clip          the clipping norm C (DP only)
 * @param sigma         the noise multiplier, or null (then solved from {@code targetEpsilon}, or 1.0)
 * @param targetEpsilon the epsilon to reach after all epochs, or null
 * @param delta         the delta of the (epsilon, delta) guarantee
 * @param lr            the learning rate, or null for the optimiser's default
 * @param optimizer     sgd, momentum or adam
 * @param sampling      poisson or shuffle, or null (Poisson with --dp, shuffle without)
 * @param virtualBatch  the physical micro-batch size, or 0 (Poisson: 2.5 sd above B; shuffle: B)
 * @param data          a folder of real data, or null for synthetic teacher-labelled data
 * @param trainSize     training examples (synthetic: how many to generate; real: the first N), or null
 * @param testSize      held-out examples, or null
 * @param checkpoint    the checkpoint folder, or null
 * @param resume        continue from the checkpoint folder's latest checkpoint
 * @param seed          the seed of initialisation, synthetic data and (unless secure) noise and sampling
 * @param secure        noise and sampling from SecureRandom
 * @param backend       the backend to compile for, or null for the default
 * @param perLayer      per-layer clipping (C split evenly over the parameter tensors)
 * @param progress      draw a progress bar per epoch
 */
public record TrainConfig(String model, boolean dp, int epochs, int batch, Double clip, Double sigma,
                          Double targetEpsilon, double delta, Double lr, String optimizer, String sampling,
                          int virtualBatch, Path data, Integer trainSize, Integer testSize, Path checkpoint,
                          boolean resume, long seed, boolean secure, String backend, boolean perLayer,
                          boolean progress) {

    public static final int DEFAULT_SYNTHETIC_TRAIN = 10_000;
    public static final int DEFAULT_SYNTHETIC_TEST = 2_000;
    public static final double DEFAULT_CLIP = 1.0;
    public static final double DEFAULT_SIGMA = 1.0;

    public TrainConfig {
        require(epochs >= 1, "--epochs", "must be >= 1, got " + epochs);
        require(batch >= 1, "--batch", "must be >= 1, got " + batch);
        if (clip != null) {
            require(clip > 0 && !clip.isInfinite(), "--clip", "the clipping norm must be finite and > 0, got " + clip);
        }
        if (sigma != null) {
            require(sigma > 0 && !sigma.isInfinite(), "--sigma", "the noise multiplier must be finite and > 0, got " + sigma);
        }
        if (targetEpsilon != null) {
            require(targetEpsilon > 0 && !targetEpsilon.isInfinite(), "--epsilon", "must be finite and > 0, got " + targetEpsilon);
        }
        require(sigma == null || targetEpsilon == null, "--sigma", "give either --sigma or --epsilon, not both");
        require(delta > 0 && delta < 1, "--delta", "must be in (0, 1), got " + delta);
        if (lr != null) {
            require(lr > 0 && !lr.isInfinite(), "--lr", "the learning rate must be finite and > 0, got " + lr);
        }
        require(Optimizers.NAMES.contains(optimizer), "--optimizer", "must be one of " + Optimizers.NAMES + ", got '" + optimizer + "'");
        require(sampling == null || sampling.equals("poisson") || sampling.equals("shuffle"), "--sampling",
                "must be poisson or shuffle, got '" + sampling + "'");
        require(virtualBatch >= 0, "--virtual-batch", "must be >= 1 (or 0 for none), got " + virtualBatch);
        if (trainSize != null) {
            require(trainSize >= 1, "--train-size", "must be >= 1, got " + trainSize);
        }
        if (testSize != null) {
            require(testSize >= 1, "--test-size", "must be >= 1, got " + testSize);
        }
        require(!resume || checkpoint != null, "--resume", "needs --checkpoint DIR to resume from");
        if (!dp) {
            String dpOnly = clip != null ? "--clip" : sigma != null ? "--sigma" : targetEpsilon != null ? "--epsilon"
                    : perLayer ? "--per-layer" : secure ? "--secure" : null;
            require(dpOnly == null, dpOnly, "only applies to private training: add --dp");
        }
    }

    private static void require(boolean ok, String option, String detail) {
        if (!ok) {
            throw new KilnException("train", option + " " + detail);
        }
    }

    public double clipOrDefault() {
        return clip != null ? clip : DEFAULT_CLIP;
    }

    /** The sampling scheme: as given, else Poisson for DP-SGD (what the accountant assumes) and shuffle otherwise. */
    public String samplingOrDefault() {
        return sampling != null ? sampling : dp ? "poisson" : "shuffle";
    }

    /** The learning rate: as given, else 0.5 for sgd, 0.1 for momentum, 0.002 for adam. */
    public double lrOrDefault() {
        if (lr != null) {
            return lr;
        }
        return switch (optimizer) {
            case "sgd" -> 0.5;
            case "momentum" -> 0.1;
            default -> 0.002;
        };
    }

    /**
     * The settings a resumed run must share with the checkpoint to continue it exactly (everything
     * that changes the trajectory; not epochs, the checkpoint folder, the progress bar or delta).
     * {@code resolvedSigma} and {@code trainExamples} are the values after solving and loading.
     */
    public Map<String, String> trajectoryKeys(double resolvedSigma, int trainExamples) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("dp", Boolean.toString(dp));
        m.put("batch", Integer.toString(batch));
        m.put("optimizer", optimizer);
        m.put("lr", Double.toString(lrOrDefault()));
        m.put("sampling", samplingOrDefault());
        m.put("virtual_batch", Integer.toString(virtualBatch));
        m.put("data", data == null ? "synthetic" : data.toAbsolutePath().normalize().toString());
        m.put("train_examples", Integer.toString(trainExamples));
        m.put("seed", Long.toString(seed));
        m.put("secure", Boolean.toString(secure));
        if (dp) {
            m.put("clip", Double.toString(clipOrDefault()));
            m.put("per_layer", Boolean.toString(perLayer));
            m.put("sigma", Double.toString(resolvedSigma));
        }
        return m;
    }
}
