package dev.kiln.ir.buffers;

import dev.kiln.ir.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * The free list of one arena during assignment: blocks are taken best-fit (the smallest free
 * block that is large enough), a free block at the arena's end grows when nothing fits, and freed
 * neighbours merge.
 */
final class Arena {
    private record Block(int offset, int size) {
    }

    private final DType dtype;
    private final boolean reuse;
    private final List<Block> free = new ArrayList<>();
    int size;

    Arena(DType dtype, boolean reuse) {
        this.dtype = dtype;
        this.reuse = reuse;
    }

    /** A slot of {@code slotSize} elements (already aligned) for a buffer of {@code bufferSize} elements. */
    Placement allocate(int slotSize, int bufferSize) {
        Block best = null;
        if (reuse) {
            for (Block b : free) {
                if (b.size >= slotSize && (best == null || b.size < best.size)) {
                    best = b;
                }
            }
        }
        if (best != null) {
            free.remove(best);
            if (best.size > slotSize) {
                free.add(new Block(best.offset + slotSize, best.size - slotSize));
            }
            return Placement.arena(dtype, best.offset, slotSize);
        }
        Block last = free.stream().filter(b -> b.offset + b.size == size).findFirst().orElse(null);
        if (reuse && last != null) {
            free.remove(last);
            size = last.offset + slotSize;
            return Placement.arena(dtype, last.offset, slotSize);
        }
        int at = size;
        size += slotSize;
        return Placement.arena(dtype, at, slotSize);
    }

    void free(Placement p) {
        Block b = new Block(p.offset(), p.size());
        for (int i = 0; i < free.size(); i++) {
            Block f = free.get(i);
            if (f.offset + f.size == b.offset || b.offset + b.size == f.offset) {
                free.remove(i);
                free((Placement.arena(dtype, Math.min(f.offset, b.offset), f.size + b.size)));
                return;
            }
        }
        free.add(b);
    }
}
