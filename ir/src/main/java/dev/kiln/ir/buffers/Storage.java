package dev.kiln.ir.buffers;

import dev.kiln.ir.kernel.BufferRef;
import java.util.ArrayList;
import java.util.List;

/**
 * One piece of memory: a buffer and the reshape aliases of it, with its live interval over the
 * kernel schedule ({@code def}: the step that writes it; {@code lastUse}: the last step that
 * reads it). Inputs and constants live before step 0.
 */
public final class Storage {
    private final BufferRef root;
    private final List<BufferRef> members = new ArrayList<>();
    int def = Integer.MAX_VALUE;
    int lastUse = -1;
    Placement placement;
    /** Whether this storage holds a graph output (its array is returned, so it lives to the end). */
    boolean graphOutput;

    Storage(BufferRef root) {
        this.root = root;
    }

    public BufferRef root() {
        return root;
    }

    public List<BufferRef> members() {
        return List.copyOf(members);
    }

    void add(BufferRef b) {
        members.add(b);
    }

    public int def() {
        return def;
    }

    public int lastUse() {
        return lastUse;
    }

    public Placement placement() {
        return placement;
    }

    public boolean isGraphOutput() {
        return graphOutput;
    }

    /** Whether the storage is computed by a kernel and held in an arena (not an input, constant or output). */
    public boolean inArena() {
        return placement != null && placement.where() == Placement.Where.ARENA;
    }

    @Override
    public String toString() {
        return root.name();
    }
}
