package dev.kiln.vmap;

import dev.kiln.ir.prim.RandomBits;
import dev.kiln.ir.prim.RandomSplit;
import dev.kiln.tracer.Tensor;

/**
 * Batching of the counter-based random primitives. Their key arrays {@code i32[K..., 2]} already
 * treat leading dimensions as independent keys, so a batched key is just one more leading key
 * dimension: each example draws from its own key's stream, exactly what it would draw alone. (An
 * unbatched key never reaches these rules: the same key gives every example the same bits, as in
 * JAX.)
 */
final class RandomRules {
    private RandomRules() {
    }

    static BatchedValue randomBits(RandomBits r, BatchedValue key, RuleContext cx) {
        Tensor k = leadingKey(key, cx);
        return BatchedValue.batched(cx.bind(r, k), batchAt(key));
    }

    static BatchedValue randomSplit(RandomSplit r, BatchedValue key, RuleContext cx) {
        Tensor k = leadingKey(key, cx);
        return BatchedValue.batched(cx.bind(r, k), batchAt(key));
    }

    /** The key with its batch axis among the leading key dimensions (before the key words). */
    private static Tensor leadingKey(BatchedValue key, RuleContext cx) {
        return cx.moveBatch(key, batchAt(key));
    }

    /** Where the batch axis sits among the leading key dimensions: where it is, unless it is last. */
    private static int batchAt(BatchedValue key) {
        return Math.min(key.bdim(), key.value().rank() - 2);
    }
}
