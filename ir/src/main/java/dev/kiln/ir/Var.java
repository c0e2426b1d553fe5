package dev.kiln.ir;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A typed IR variable. Variables compare by identity: a graph binds each one exactly once (as an
 * input, a constant or an equation's output). The id is only for debugging; printed names are
 * assigned by the printer in order of appearance, so dumps are stable.
 */
public final class Var implements Atom {
    private static final AtomicLong NEXT_ID = new AtomicLong();
    private final long id = NEXT_ID.getAndIncrement();
    private final TensorType type;

    public Var(TensorType type) {
        this.type = java.util.Objects.requireNonNull(type);
    }

    @Override
    public TensorType type() {
        return type;
    }

    public long id() {
        return id;
    }

    @Override
    public String toString() {
        return "%" + id + ":" + type;
    }
}
