package dev.kiln.ir.prim;

import dev.kiln.ir.Shape;

/**
 * Counter-based random bits (Threefry-2x32, 20 rounds), bit for bit JAX's {@code random_bits} for
 * 32-bit words with {@code jax_threefry_partitionable} off. The operand is a key array
 * {@code i32[K..., 2]}; the result is {@code i32[K..., shape...]}. Within one key's block of
 * {@code n} words (flat positions {@code 0..n-1}), with {@code m = ceil(n / 2)}: for each
 * {@code j < m}, {@code (x0, x1) = threefry(key, (j, m + j))}, or {@code threefry(key, (j, 0))}
 * for {@code j = m - 1} when {@code n} is odd; word {@code j} is {@code x0} and word {@code m + j}
 * is {@code x1} (dropped when {@code m + j = n}). So every block yields two words, and both halves
 * of the draw are contiguous runs. Leading key dimensions give independent streams, which is what
 * vmap of a batched key needs. {@code dev.kiln.ir.random.Threefry#bits} is this definition in code.
 */
public record RandomBits(Shape shape) implements Primitive {
    @Override
    public String name() {
        return "random_bits";
    }
}
