package dev.kiln.privacy.sampling;

import dev.kiln.tracer.Tensor;
import java.util.Arrays;

/**
 * The example indices of one physical (compiled-size) batch: real indices first, then -1 for each
 * padding row. {@link #mask} marks the real rows for the step.
 */
public record PhysicalBatch(int[] indices, int realCount) {
    public PhysicalBatch {
        indices = indices.clone();
    }

    /** {@code real} indices padded with -1 to {@code size} rows. */
    public static PhysicalBatch padded(int[] real, int size) {
        if (real.length > size) {
            throw new IllegalArgumentException(real.length + " examples do not fit a physical batch of " + size);
        }
        int[] idx = Arrays.copyOf(real, size);
        Arrays.fill(idx, real.length, size, -1);
        return new PhysicalBatch(idx, real.length);
    }

    @Override
    public int[] indices() {
        return indices.clone();
    }

    /** The physical size (real rows plus padding). */
    public int size() {
        return indices.length;
    }

    /** {@code f32[size]}: 1 for a real row, 0 for padding. */
    public Tensor mask() {
        float[] m = new float[indices.length];
        Arrays.fill(m, 0, realCount, 1f);
        return Tensor.of(m);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PhysicalBatch p && realCount == p.realCount && Arrays.equals(indices, p.indices);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(indices);
    }

    @Override
    public String toString() {
        return "PhysicalBatch[" + realCount + " of " + indices.length + "]";
    }
}
