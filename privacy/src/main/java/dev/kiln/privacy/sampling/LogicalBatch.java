package dev.kiln.privacy.sampling;

import java.util.ArrayList;
import java.util.List;

/**
 * One optimiser step's examples, split into physical batches of a fixed size (the last padded).
 * A DP-SGD step clips and sums every part and adds noise once for the whole logical batch.
 */
public record LogicalBatch(List<PhysicalBatch> parts) {
    public LogicalBatch {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("a logical batch has at least one physical batch");
        }
        parts = List.copyOf(parts);
    }

    /**
     * {@code indices} in physical batches of {@code physicalSize}: {@code ceil(n / size)} parts, the
     * last padded; one all-padding part when there are no indices (an empty Poisson draw still
     * takes a noisy step). No index is ever dropped.
     */
    public static LogicalBatch split(int[] indices, int physicalSize) {
        if (physicalSize < 1) {
            throw new IllegalArgumentException("physical batch size must be >= 1, got " + physicalSize);
        }
        List<PhysicalBatch> parts = new ArrayList<>();
        for (int start = 0; start < indices.length; start += physicalSize) {
            int end = Math.min(indices.length, start + physicalSize);
            parts.add(PhysicalBatch.padded(java.util.Arrays.copyOfRange(indices, start, end), physicalSize));
        }
        if (parts.isEmpty()) {
            parts.add(PhysicalBatch.padded(new int[0], physicalSize));
        }
        return new LogicalBatch(parts);
    }

    /** The number of real examples. */
    public int size() {
        return parts.stream().mapToInt(PhysicalBatch::realCount).sum();
    }

    /** All real indices, in order. */
    public int[] indices() {
        return parts.stream().flatMapToInt(p -> java.util.Arrays.stream(p.indices(), 0, p.realCount())).toArray();
    }
}
