package dev.kiln.tracer.nn;

import dev.kiln.ir.DType;
import dev.kiln.tracer.Random;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.ops.IndexOps;

/**
 * A lookup table of {@code weight [vocab, dim]}: token ids {@code [...]} (i32) map to rows
 * {@code [..., dim]}, as PyTorch's {@code nn.Embedding}. Its gradient is a scatter-add of the
 * incoming rows, so only the rows used receive gradient.
 */
public record Embedding(Tensor weight) {

    /** A table initialised as PyTorch's: every entry standard normal. */
    public static Embedding init(Tensor key, int vocab, int dim) {
        return init(key, vocab, dim, DType.F32);
    }

    public static Embedding init(Tensor key, int vocab, int dim, DType dtype) {
        return new Embedding(Random.normal(key, new int[] {vocab, dim}, dtype));
    }

    public Tensor apply(Tensor ids) {
        return IndexOps.embedding(weight, ids);
    }
}
