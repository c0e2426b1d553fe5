package dev.kiln.vmap;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.TensorType;
import java.util.Random;

/** How to fill one graph input with random values (at whatever batched type it gets). */
@FunctionalInterface
interface Gen {
    ArrayData fill(TensorType type, Random r);

    /** Floats about N(0,1), small integers in [-4, 4] (ties and zeros happen), random booleans. */
    static Gen normal() {
        return (t, r) -> fill(t, () -> switch (t.dtype()) {
            case F32, F64 -> r.nextGaussian();
            case I32 -> r.nextInt(9) - 4;
            case BOOL -> r.nextBoolean() ? 1 : 0;
        });
    }

    /** Strictly positive values (for log, sqrt, pow, integer divisors). */
    static Gen positive() {
        return (t, r) -> fill(t, () -> t.dtype().isFloating() ? 0.25 + 2 * r.nextDouble() : 1 + r.nextInt(5));
    }

    /** Integer indices in {@code [0, bound)}. */
    static Gen index(int bound) {
        return (t, r) -> fill(t, () -> r.nextInt(bound));
    }

    /** Arbitrary 32-bit words (random keys). */
    static Gen bits() {
        return (t, r) -> fill(t, () -> r.nextInt());
    }

    private static ArrayData fill(TensorType t, java.util.function.DoubleSupplier next) {
        ArrayData a = ArrayData.zeros(t);
        for (int i = 0; i < a.size(); i++) {
            a.setDouble(i, next.getAsDouble());
        }
        return a;
    }
}
