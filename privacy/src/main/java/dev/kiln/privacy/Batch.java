package dev.kiln.privacy;

import dev.kiln.ir.KilnException;
import dev.kiln.tracer.Tensor;

/**
 * One physical batch: inputs {@code x [B, ...]}, labels {@code y [B]} and {@code mask f32[B]}
 * (1 for a real example, 0 for a padding row). Padding to a fixed B lets Poisson-sampled batches
 * of any size run through one compiled step.
 */
public record Batch(Tensor x, Tensor y, Tensor mask) {
    public Batch {
        int b = x.rank() == 0 ? -1 : x.dim(0);
        if (y.rank() < 1 || y.dim(0) != b || mask.rank() != 1 || mask.dim(0) != b) {
            throw new KilnException("Batch", "x " + x.type() + ", y " + y.type() + " and mask " + mask.type()
                    + " must share the leading batch dimension, and the mask must be [B]");
        }
    }

    /** A batch of real examples only (mask all ones). */
    public static Batch full(Tensor x, Tensor y) {
        return new Batch(x, y, Tensor.ones(x.dim(0)));
    }

    /** The physical batch size B (real examples and padding). */
    public int size() {
        return x.dim(0);
    }
}
