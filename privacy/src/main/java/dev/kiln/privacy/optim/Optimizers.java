package dev.kiln.privacy.optim;

import dev.kiln.ir.KilnException;
import java.util.List;

/** The optimisers by name, with PyTorch's defaults for everything but the learning rate. */
public final class Optimizers {
    public static final List<String> NAMES = List.of("sgd", "momentum", "adam");

    /** The momentum coefficient of {@code momentum} by name. */
    public static final double DEFAULT_MOMENTUM = 0.9;

    private Optimizers() {
    }

    /** {@code sgd}, {@code momentum} (0.9) or {@code adam} (betas 0.9, 0.999; eps 1e-8) at learning rate {@code lr}. */
    public static <P> Optimizer<P, ? extends Record> byName(String name, double lr) {
        return switch (name) {
            case "sgd" -> Sgd.<P>of(lr);
            case "momentum" -> Momentum.<P>of(lr, DEFAULT_MOMENTUM);
            case "adam" -> Adam.<P>of(lr);
            default -> throw new KilnException("optimizer", "unknown optimizer '" + name + "'", null, "choose one of " + NAMES);
        };
    }
}
