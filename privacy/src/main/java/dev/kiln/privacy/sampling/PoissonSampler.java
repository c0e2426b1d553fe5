package dev.kiln.privacy.sampling;

import dev.kiln.ir.KilnException;
import dev.kiln.privacy.RandomSource;
import java.util.random.RandomGenerator;

/**
 * Poisson sampling, what the RDP accountant assumes: at every step each of the N examples is in
 * the batch independently with probability q, so the batch size is Binomial(N, q) around its
 * mean {@code q * N}.
 *
 * <p>Fixed compiled shapes: a draw is padded with masked rows to the physical batch size P, so
 * the jitted step sees one shape and never recompiles. A draw larger than P is NOT truncated
 * (dropping examples would change the mechanism the accountant analyses): it is split over
 * {@code ceil(size / P)} physical micro-batches whose clipped sums add up before one noisy update
 * (see {@code TrainStep.step(state, List, key)}). {@link #defaultPhysicalSize} puts P 2.5 standard
 * deviations above the mean: a draw is split about 6 times in 1,000, and the expected rows computed
 * per step, {@code P * E[micro-batches]}, come within 5% of the best fixed P for batches of 64 to
 * 1,024 (four deviations would pad 7-18% more). A smaller P (virtual batches) trades more, smaller
 * calls for less memory.
 *
 * <p>Steps per epoch: {@code floor(N / B)} with {@code B = q * N} rounded, as the accountant
 * counts them. Draws use geometric skips between included examples (about {@code q * N} random
 * numbers a step, not N) — the same distribution as one Bernoulli per example.
 */
public record PoissonSampler(int datasetSize, double samplingRate, int physicalBatchSize, int stepsPerEpoch)
        implements Sampler {

    public PoissonSampler {
        if (datasetSize < 1) {
            throw new KilnException("sampling", "the dataset is empty");
        }
        if (!(samplingRate > 0 && samplingRate <= 1)) {
            throw new KilnException("sampling", "sampling rate q must be in (0, 1], got " + samplingRate, null,
                    "q is the expected batch size divided by the dataset size");
        }
        if (physicalBatchSize < 1) {
            throw new KilnException("sampling", "physical batch size must be >= 1, got " + physicalBatchSize);
        }
        if (stepsPerEpoch < 1) {
            throw new KilnException("sampling", "steps per epoch must be >= 1, got " + stepsPerEpoch);
        }
    }

    /**
     * Poisson sampling with expected batch size B out of N ({@code q = B / N}, {@code floor(N / B)}
     * steps an epoch), padded to {@code physicalSize} (0: {@link #defaultPhysicalSize}).
     */
    public static PoissonSampler forExpectedBatch(int datasetSize, int expectedBatch, int physicalSize) {
        if (expectedBatch < 1 || expectedBatch > datasetSize) {
            throw new KilnException("sampling", "batch size must be in [1, " + datasetSize + "] (the dataset size), got "
                    + expectedBatch);
        }
        double q = (double) expectedBatch / datasetSize;
        int p = physicalSize > 0 ? physicalSize : defaultPhysicalSize(datasetSize, q);
        return new PoissonSampler(datasetSize, q, p, datasetSize / expectedBatch);
    }

    /** {@code ceil(qN + 2.5 sqrt(qN(1-q)))}, at most N: a draw exceeds it with probability about 0.006. */
    public static int defaultPhysicalSize(int n, double q) {
        double mean = q * n;
        double sd = Math.sqrt(mean * (1 - q));
        return (int) Math.max(1, Math.min(n, Math.ceil(mean + 2.5 * sd)));
    }

    @Override
    public double expectedBatchSize() {
        return samplingRate * datasetSize;
    }

    @Override
    public LogicalBatch batch(long epoch, int step, RandomSource random) {
        long globalStep = epoch * stepsPerEpoch + step;
        return LogicalBatch.split(draw(random.generator(RandomSource.POISSON, globalStep)), physicalBatchSize);
    }

    /** The indices, ascending, of one Poisson draw. */
    public int[] draw(RandomGenerator rng) {
        if (samplingRate == 1) {
            return java.util.stream.IntStream.range(0, datasetSize).toArray();
        }
        double logMiss = Math.log1p(-samplingRate);
        int[] out = new int[Math.max(16, (int) (expectedBatchSize() * 1.5))];
        int k = 0;
        double pos = -1;
        while (true) {
            // The gap before the next included example is Geometric(q): floor(log(1 - U) / log(1 - q)).
            double gap = Math.floor(Math.log1p(-rng.nextDouble()) / logMiss);
            pos += gap + 1;
            if (pos >= datasetSize) {
                break;
            }
            if (k == out.length) {
                out = java.util.Arrays.copyOf(out, out.length * 2);
            }
            out[k++] = (int) pos;
        }
        return java.util.Arrays.copyOf(out, k);
    }
}
