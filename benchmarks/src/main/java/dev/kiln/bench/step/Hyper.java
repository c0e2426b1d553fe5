package dev.kiln.bench.step;

/**
 * DP-SGD's knobs, as in the PyTorch peer (../shared/PEERS.md): clip each example's gradient to
 * joint L2 norm {@code clip}, add Gaussian noise of standard deviation {@code noiseMultiplier × clip}
 * to the sum, average over the batch and take an SGD step of size {@code learningRate}.
 */
public record Hyper(double clip, double noiseMultiplier, double learningRate) {
    public static Hyper paper() {
        return new Hyper(1.0, 1.0, 0.05);
    }
}
