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
    /** Buffers a kernel may read; beyond this it stops absorbing producers (each is a parameter and a live pointer). */
    public static final int MAX_KERNEL_INPUTS = 32;
    /**
     * With {@link Fuser.Options#concatenationsAsCopies}, a concatenation of more operands than this
     * is a copy kernel of its own (a library kernel): inlined, every element would walk a chain of
     * that many guards.
     */
    public static final int MAX_INLINED_CONCAT_OPERANDS = 8;

    private FusionCost() {
    }

    /**
     * How fusion treats {@code eq}: its primitive's role, except that long concatenations are copies
     * when the backend has a copy kernel for them.
     */
    public static PrimitiveRole role(dev.kiln.ir.Equation eq, Fuser.Options options) {
        if (options.concatenationsAsCopies() && eq.primitive() instanceof dev.kiln.ir.prim.Concatenate
                && eq.inputs().size() > MAX_INLINED_CONCAT_OPERANDS) {
            return PrimitiveRole.LIBRARY;
        }
        return PrimitiveRole.of(eq.primitive());
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
