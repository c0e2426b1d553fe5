package dev.kiln.privacy.optim;

import dev.kiln.ir.KilnException;

/** Hyperparameter checks shared by the optimisers; errors name the parameter and the optimiser. */
final class Hyper {
    private Hyper() {
    }

    static void learningRate(String optimizer, double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new KilnException(optimizer, "learning rate must be finite and >= 0, got " + lr);
        }
    }

    static void weightDecay(String optimizer, double wd) {
        if (!(wd >= 0) || Double.isInfinite(wd)) {
            throw new KilnException(optimizer, "weight decay must be finite and >= 0, got " + wd);
        }
    }

    /** A coefficient in [0, 1) (momentum, Adam's betas). */
    static void unitInterval(String optimizer, String what, double v) {
        if (!(v >= 0 && v < 1)) {
            throw new KilnException(optimizer, what + " must be in [0, 1), got " + v);
        }
    }
}
