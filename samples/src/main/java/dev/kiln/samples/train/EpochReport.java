package dev.kiln.samples.train;

/**
 * One epoch of a run as {@code kiln train} prints it.
 *
 * @param epoch           1-based
 * @param seconds         wall time of the epoch's training steps (the first epoch of a process includes compilation)
 * @param trainLoss       mean loss over the epoch's training examples, before each step's update
 * @param clippedFraction fraction of the epoch's examples whose gradient was clipped (0 without DP)
 * @param testLoss        mean loss on the held-out set after the epoch
 * @param testAccuracy    accuracy on the held-out set after the epoch
 * @param steps           optimiser steps taken so far in the run
 * @param epsilon         privacy spent so far (NaN without DP)
 */
public record EpochReport(int epoch, double seconds, double trainLoss, double clippedFraction, double testLoss,
                          double testAccuracy, long steps, double epsilon) {
}
