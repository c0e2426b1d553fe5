package dev.kiln.privacy.accountant;

import dev.kiln.ir.KilnException;

/**
 * How an epoch-based DP-SGD run maps onto the accountant's (q, steps): an epoch of a dataset of
 * {@code N} examples with expected batch size {@code B} is {@code floor(N / B)} steps, each sampling
 * every example independently with probability {@code q = B / N} (Poisson sampling: the batch size
 * varies around B). This is the counting of Opacus ({@code len(data_loader)} with its
 * {@code UniformWithReplacementSampler}) and of TF Privacy's tutorials
 * ({@code epochs * N // batch_size}); TF Privacy's {@code compute_dp_sgd_privacy} rounded
 * {@code epochs * N / B} up instead, one step more at most per run.
 *
 * <p>The RDP analysis assumes Poisson sampling. Shuffling into fixed-size batches is a different
 * mechanism, and the accountant's epsilon is then only the customary approximation.
 *
 * @param datasetSize       N, the number of training examples ({@code >= 1})
 * @param expectedBatchSize B, the expected batch size ({@code 1 <= B <= N})
 * @param epochs            the number of passes ({@code >= 0})
 */
public record EpochSchedule(long datasetSize, long expectedBatchSize, long epochs) {
    public EpochSchedule {
        if (datasetSize < 1 || expectedBatchSize < 1 || expectedBatchSize > datasetSize) {
            throw new KilnException(Checks.OPERATION, "expected batch size B must be in [1, N]; got B = "
                    + expectedBatchSize + ", N = " + datasetSize);
        }
        if (epochs < 0) {
            throw new KilnException(Checks.OPERATION, "epochs must be >= 0, got " + epochs);
        }
    }

    /** q = B / N. */
    public double samplingRate() {
        return (double) expectedBatchSize / datasetSize;
    }

    /** epochs * floor(N / B). */
    public long steps() {
        return Math.multiplyExact(epochs, datasetSize / expectedBatchSize);
    }
}
