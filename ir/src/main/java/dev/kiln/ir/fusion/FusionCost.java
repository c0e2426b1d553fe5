package dev.kiln.ir.fusion;

import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.Primitive;
import dev.kiln.ir.prim.Unary;

/**
 * The one cost function of fusion. A fused producer saves a write and a read of its value; it
 * costs recomputation wherever its kernel evaluates it more than once per element (read through
 * a broadcast along outer dimensions, or duplicated into several consumer kernels). Recomputing
 * is accepted only for producers that cost about as much as the load they replace.
 */
public final class FusionCost {
    /** Members beyond which a kernel stops growing: the generated method must stay JIT-compilable. */
    public static final int MAX_KERNEL_EQUATIONS = 40;

    private FusionCost() {
    }

    /** The relative cost of computing one element of {@code p}, a load being about 1. */
    public static int elementCost(Primitive p) {
        return switch (p) {
            case Unary u -> switch (u.op()) {
                case NEG, ABS, SIGN, NOT, STOP_GRADIENT, FLOOR, CEIL, ROUND -> 1;
                case SQRT, RSQRT -> 4;
                default -> 16;
            };
            case Binary b -> switch (b.op()) {
                case DIV, REM -> 4;
                case POW -> 16;
                default -> 1;
            };
            default -> 1;
        };
    }

    /**
     * Whether to compute {@code producer} inside its consumers' kernels when that evaluates each of
     * its elements {@code evaluationsPerElement} times in total (1 = no recomputation).
     */
    public static boolean acceptRecompute(Primitive producer, double evaluationsPerElement) {
        if (evaluationsPerElement <= 1.0 + 1e-9) {
            return true;
        }
        // A producer no dearer than a load costs no more to recompute than its materialised value
        // would cost to read back, however often it is read.
        return elementCost(producer) <= 1;
    }
}
