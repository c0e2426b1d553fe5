package dev.kiln.vmap;

import dev.kiln.tracer.Tensor;

/**
 * A value of the per-example program seen through the batching transform: the tensor that stands
 * for it in the batched program, and where its batch axis is ({@link #NOT_BATCHED} when the value
 * is the same for every example and so carries no batch axis at all).
 */
record BatchedValue(Tensor value, int bdim) {
    static final int NOT_BATCHED = -1;

    BatchedValue {
        if (bdim != NOT_BATCHED && (bdim < 0 || bdim >= value.rank())) {
            throw new IllegalArgumentException("batch dim " + bdim + " out of range for " + value.type());
        }
    }

    static BatchedValue unbatched(Tensor value) {
        return new BatchedValue(value, NOT_BATCHED);
    }

    static BatchedValue batched(Tensor value, int bdim) {
        return new BatchedValue(value, bdim);
    }

    boolean isBatched() {
        return bdim != NOT_BATCHED;
    }

    /** The rank of the per-example value this stands for. */
    int exampleRank() {
        return isBatched() ? value.rank() - 1 : value.rank();
    }
}
