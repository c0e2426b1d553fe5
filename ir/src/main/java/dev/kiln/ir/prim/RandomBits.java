package dev.kiln.ir.prim;

import dev.kiln.ir.Shape;

/**
 * Counter-based random bits (Threefry-2x32, 20 rounds). The operand is a key array
 * {@code i32[K..., 2]}; the result is {@code i32[K..., shape...]} whose element at flat position
 * {@code j} (within one key's block) is the first word of {@code threefry(key, (j, 0))}. Leading key
 * dimensions give independent streams, which is what vmap of a batched key needs.
 */
public record RandomBits(Shape shape) implements Primitive {
    @Override
    public String name() {
        return "random_bits";
    }
}
