package dev.kiln.privacy.sampling;

import dev.kiln.ir.KilnException;
import dev.kiln.privacy.RandomSource;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Shuffled fixed-size batches, the setup the paper timed: each epoch is a fresh random
 * permutation of the N examples cut into batches of B. The last, partial batch (N mod B examples)
 * is {@link LastBatch#DROP dropped} by default, as the paper's code did ({@code N // B} steps an
 * epoch, every step the same size: those examples come back in other epochs' permutations), or
 * {@link LastBatch#PAD padded} with masked rows to B ({@code ceil(N / B)} steps, every example
 * every epoch). A batch larger than the physical size is split into micro-batches (virtual batches).
 *
 * <p>For DP-SGD this is not the Poisson sampling the RDP accountant assumes; its epsilon is then
 * the customary approximation (q = B / N), not a proof.
 */
public final class ShuffleSampler implements Sampler {
    /** What happens to the last N mod B examples of an epoch. */
    public enum LastBatch { DROP, PAD }

    private final int datasetSize;
    private final int batchSize;
    private final int physicalBatchSize;
    private final LastBatch last;
    private long cachedEpoch = -1;
    private int[] cachedPermutation;

    public ShuffleSampler(int datasetSize, int batchSize, int physicalBatchSize, LastBatch last) {
        if (datasetSize < 1) {
            throw new KilnException("sampling", "the dataset is empty");
        }
        if (batchSize < 1 || batchSize > datasetSize) {
            throw new KilnException("sampling", "batch size must be in [1, " + datasetSize + "] (the dataset size), got "
                    + batchSize);
        }
        if (physicalBatchSize < 1) {
            throw new KilnException("sampling", "physical batch size must be >= 1, got " + physicalBatchSize);
        }
        this.datasetSize = datasetSize;
        this.batchSize = batchSize;
        this.physicalBatchSize = physicalBatchSize;
        this.last = last;
    }

    /** Batches of B, the last partial one dropped, one physical batch per step. */
    public static ShuffleSampler of(int datasetSize, int batchSize) {
        return new ShuffleSampler(datasetSize, batchSize, batchSize, LastBatch.DROP);
    }

    @Override
    public int datasetSize() {
        return datasetSize;
    }

    @Override
    public int stepsPerEpoch() {
        return last == LastBatch.DROP ? datasetSize / batchSize : (datasetSize + batchSize - 1) / batchSize;
    }

    @Override
    public int physicalBatchSize() {
        return physicalBatchSize;
    }

    @Override
    public double expectedBatchSize() {
        return batchSize;
    }

    @Override
    public double samplingRate() {
        return (double) batchSize / datasetSize;
    }

    @Override
    public synchronized LogicalBatch batch(long epoch, int step, RandomSource random) {
        if (step < 0 || step >= stepsPerEpoch()) {
            throw new KilnException("sampling", "step " + step + " is outside the epoch's " + stepsPerEpoch() + " steps");
        }
        if (epoch != cachedEpoch) {
            cachedPermutation = permutation(random.generator(RandomSource.SHUFFLE, epoch));
            cachedEpoch = epoch;
        }
        int start = step * batchSize;
        int end = Math.min(datasetSize, start + batchSize);
        return LogicalBatch.split(Arrays.copyOfRange(cachedPermutation, start, end), physicalBatchSize);
    }

    /** A uniformly random permutation of {@code 0..N-1} (Fisher-Yates). */
    int[] permutation(RandomGenerator rng) {
        int[] p = new int[datasetSize];
        for (int i = 0; i < p.length; i++) {
            p[i] = i;
        }
        for (int i = p.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
