package dev.kiln.samples.cli;

import dev.kiln.ir.KilnException;
import dev.kiln.privacy.accountant.Conversion;
import dev.kiln.privacy.accountant.EpochSchedule;
import dev.kiln.privacy.accountant.PrivacySpent;
import dev.kiln.privacy.accountant.RdpAccountant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kiln accountant}: epsilon from sigma, or sigma from epsilon, for DP-SGD. */
@Command(name = "accountant", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"The RDP accountant of DP-SGD (Poisson-subsampled Gaussian mechanism; orders",
            "1.1 to 10.9 by 0.1 and 12 to 63; the Balle et al. 2020 conversion unless",
            "--classic). With --sigma prints epsilon; with --epsilon prints the smallest",
            "sigma that reaches it.",
            "",
            "Steps: give --q and --steps, or --dataset-size N --batch B --epochs E, counted",
            "as q = B/N and steps = E x floor(N/B), as Opacus and TF Privacy's tutorials",
            "count them and as 'kiln train' does. Counting ceil(E x N/B) instead adds up to",
            "one step and raises epsilon slightly.",
            ""},
        footer = {"", "Examples:",
            "  ./kiln accountant --sigma 1.1 --q 0.004266 --steps 14040 --delta 1e-5",
            "  ./kiln accountant --epsilon 3 --dataset-size 60000 --batch 256 --epochs 60"})
final class AccountantCommand implements Callable<Integer> {
    @Option(names = "--sigma", description = "noise multiplier (noise std / clipping norm): print epsilon")
    Double sigma;

    @Option(names = "--epsilon", description = "target epsilon: print the smallest sigma reaching it")
    Double epsilon;

    @Option(names = "--q", description = "sampling rate: each example's probability of being in a batch, in (0, 1]")
    Double q;

    @Option(names = "--steps", description = "number of DP-SGD steps")
    Long steps;

    @Option(names = "--dataset-size", paramLabel = "N", description = "with --batch and --epochs, instead of --q and --steps")
    Long datasetSize;

    @Option(names = "--batch", paramLabel = "B", description = "expected batch size")
    Long batch;

    @Option(names = "--epochs", paramLabel = "E", description = "number of epochs")
    Long epochs;

    @Option(names = "--delta", defaultValue = "1e-5", description = "delta (default ${DEFAULT-VALUE})")
    double delta;

    @Option(names = "--classic", description = "the classic RDP-to-DP conversion (Mironov 2017; older TF Privacy) instead of Balle et al. 2020")
    boolean classic;

    @Override
    public Integer call() {
        System.out.println(compute());
        return 0;
    }

    /** The line the command prints. */
    String compute() {
        if ((sigma == null) == (epsilon == null)) {
            throw new KilnException("accountant", "give exactly one of --sigma (to get epsilon) or --epsilon (to get sigma)");
        }
        double rate;
        long n;
        if (q != null || steps != null) {
            if (q == null || steps == null || datasetSize != null || batch != null || epochs != null) {
                throw new KilnException("accountant", "give --q and --steps together, or --dataset-size, --batch and --epochs instead");
            }
            rate = q;
            n = steps;
        } else if (datasetSize != null && batch != null && epochs != null) {
            EpochSchedule s = new EpochSchedule(datasetSize, batch, epochs);
            rate = s.samplingRate();
            n = s.steps();
        } else {
            throw new KilnException("accountant", "give --q and --steps, or --dataset-size, --batch and --epochs");
        }
        if (!(rate > 0 && rate <= 1)) {
            throw new KilnException("accountant", "--q must be in (0, 1], got " + rate, null,
                    "q is the expected batch size divided by the dataset size, B / N");
        }
        if (n < 1) {
            throw new KilnException("accountant", "--steps must be >= 1, got " + n);
        }
        if (!(delta > 0 && delta < 1)) {
            throw new KilnException("accountant", "--delta must be in (0, 1), got " + delta);
        }
        Conversion conv = classic ? Conversion.CLASSIC : Conversion.BALLE_2020;
        String setting = String.format("q %.6g, %d steps, delta %s, %s conversion", rate, n, delta, conv);
        if (sigma != null) {
            if (!(sigma > 0) || sigma.isInfinite()) {
                throw new KilnException("accountant", "--sigma must be finite and > 0, got " + sigma);
            }
            PrivacySpent p = RdpAccountant.epsilon(sigma, rate, n, delta, conv);
            return String.format("epsilon = %.6g (sigma %s, %s; best RDP order %s)", p.epsilon(), sigma, setting, p.bestOrder());
        }
        if (!(epsilon > 0) || epsilon.isInfinite()) {
            throw new KilnException("accountant", "--epsilon must be finite and > 0, got " + epsilon);
        }
        double s;
        try {
            s = RdpAccountant.noiseMultiplier(epsilon, rate, n, delta, conv);
        } catch (KilnException e) {
            throw new KilnException("accountant", "--epsilon " + epsilon + ": " + e.detail(), null, e.hint());
        }
        return String.format("sigma = %.6g (the smallest noise multiplier reaching epsilon %s; %s)", s, epsilon, setting);
    }
}
