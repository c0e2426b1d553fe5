package dev.kiln.samples.train;

import dev.kiln.ir.KilnException;
import dev.kiln.samples.data.Dataset;
import dev.kiln.samples.data.RealData;
import dev.kiln.samples.data.SyntheticData;
import dev.kiln.samples.models.PaperModel;

/**
 * The training and held-out data of a run: synthetic teacher-labelled data by default
 * ({@code --train-size} examples, 10,000 unless given, plus a held-out set of {@code --test-size},
 * by default a fifth of that up to 2,000, generated from {@code seed + 1} so they differ from the
 * initial parameters), or the real dataset in {@code --data DIR} (its train and test files; the
 * sizes, when given, take the first examples of each).
 */
public final class TrainData {
    private TrainData() {
    }

    public static RealData.Split load(TrainConfig c, PaperModel<?> model) {
        if (c.data() == null) {
            int train = c.trainSize() != null ? c.trainSize() : TrainConfig.DEFAULT_SYNTHETIC_TRAIN;
            int test = c.testSize() != null ? c.testSize() : Math.min(TrainConfig.DEFAULT_SYNTHETIC_TEST, Math.max(1, train / 5));
            Dataset all = SyntheticData.generate(model, train + test, c.seed() + 1);
            return new RealData.Split(all.range(0, train), all.range(train, train + test));
        }
        RealData.Split s = RealData.load(model, c.data());
        return new RealData.Split(head(s.train(), c.trainSize(), "--train-size"), head(s.test(), c.testSize(), "--test-size"));
    }

    private static Dataset head(Dataset d, Integer n, String option) {
        if (n == null) {
            return d;
        }
        if (n > d.size()) {
            throw new KilnException("train", option + " " + n + " is more than the " + d.size() + " examples of " + d.description());
        }
        return d.head(n);
    }
}
