package dev.kiln.privacy;

import dev.kiln.tracer.Random;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.nn.Functional;

/** A small softmax regression for the step tests: logits = W x + b, cross-entropy loss. */
final class TinyModel {
    record Params(Tensor w, Tensor b) {
    }

    static final int FEATURES = 5;
    static final int CLASSES = 3;

    private TinyModel() {
    }

    static Params init(long seed) {
        Tensor k = Random.split(Random.key(seed), 2);
        return new Params(Random.normal(Random.keyAt(k, 0), CLASSES, FEATURES).mul(0.5),
                Random.normal(Random.keyAt(k, 1), CLASSES).mul(0.1));
    }

    /** The loss of one example: x [F], y an i32 scalar. */
    static Tensor exampleLoss(Params p, Tensor x, Tensor y) {
        return Functional.crossEntropy(batchLogits(p, x.expandDims(0)), y.expandDims(0)).sum();
    }

    /** Per-example losses [B] of a batch. */
    static Tensor batchLosses(Params p, Tensor x, Tensor y) {
        return Functional.crossEntropy(batchLogits(p, x), y);
    }

    static Tensor batchLogits(Params p, Tensor x) {
        return x.matmul(p.w().mT()).add(p.b());
    }

    /** Inputs with a large scale, so some examples' gradients exceed the clip norm and some do not. */
    static Tensor inputs(long seed, int n) {
        Tensor k = Random.split(Random.key(seed), 2);
        Tensor scale = Random.uniform(Random.keyAt(k, 0), new int[] {n, 1}, 0.05, 6.0);
        return Random.normal(Random.keyAt(k, 1), n, FEATURES).mul(scale);
    }

    static Tensor labels(long seed, int n) {
        int[] y = new int[n];
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(CLASSES);
        }
        return Tensor.of(y);
    }
}
