package dev.kiln.privacy.sampling;

import dev.kiln.privacy.RandomSource;

/**
 * How training draws each step's examples. A sampler is a pure function of (epoch, step) and a
 * {@link RandomSource}, so a seeded run resumed at any step draws what the uninterrupted one drew.
 */
public interface Sampler {

    /** N, the number of training examples. */
    int datasetSize();

    /** The number of optimiser steps in one epoch. */
    int stepsPerEpoch();

    /** The compiled batch size every physical batch is padded to. */
    int physicalBatchSize();

    /** What DP-SGD divides the noisy sum by: {@code q * N} for Poisson, B for fixed batches. */
    double expectedBatchSize();

    /** The sampling rate the accountant is told: {@code q} for Poisson, {@code B / N} for fixed batches. */
    double samplingRate();

    /** The examples of step {@code step} (0-based, {@code < stepsPerEpoch()}) of epoch {@code epoch}. */
    LogicalBatch batch(long epoch, int step, RandomSource random);
}
