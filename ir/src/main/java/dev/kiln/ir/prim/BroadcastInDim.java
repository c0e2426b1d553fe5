package dev.kiln.ir.prim;

import dev.kiln.ir.Ints;
import dev.kiln.ir.Shape;

/**
 * Broadcasts the operand to {@code shape}: operand dimension {@code i} becomes output dimension
 * {@code broadcastDimensions[i]} (strictly increasing), and must be 1 or equal to it.
 */
public record BroadcastInDim(Shape shape, Ints broadcastDimensions) implements Primitive {
    @Override
    public String name() {
        return "broadcast_in_dim";
    }
}
