package dev.kiln.ir.device;

import dev.kiln.ir.ArrayData;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Device copies of host arrays, so that arrays already on the device are not uploaded again:
 * the outputs of one call (new parameters after a training step) are the inputs of the next.
 * Host arrays handed to Kiln are immutable by contract ({@link ArrayData}), so an array is known
 * by its identity. Entries are weak (a device copy dies with its host array) and the total size is
 * bounded: the least recently used copies are released first. Not thread-safe: a backend uses it
 * under its device lock.
 *
 * @param <H> the backend's device-memory handle
 */
public final class ResidentBuffers<H> {

    private static final class Key extends WeakReference<ArrayData> {
        final int hash;

        Key(ArrayData a, ReferenceQueue<ArrayData> q) {
            super(a, q);
            hash = System.identityHashCode(a);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (this == o) {
                return true;
            }
            if (!(o instanceof Key k)) {
                return false;
            }
            ArrayData a = get();
            return a != null && a == k.get();
        }
    }

    private record Entry<H>(H handle, long bytes) {
    }

    private final Map<Key, Entry<H>> entries = new LinkedHashMap<>(16, 0.75f, true);
    private final ReferenceQueue<ArrayData> collected = new ReferenceQueue<>();
    private final long budget;
    private final Consumer<H> release;
    private long bytes;

    /** @param budget most bytes of device memory held; @param release frees a handle's memory */
    public ResidentBuffers(long budget, Consumer<H> release) {
        this.budget = budget;
        this.release = release;
    }

    /** The device copy of {@code a}, or null. */
    public H lookup(ArrayData a) {
        drain();
        Entry<H> e = entries.get(new Key(a, null));
        return e == null ? null : e.handle();
    }

    /**
     * Records {@code handle} (which this cache now owns) as the device copy of {@code a}, releasing
     * the least recently used copies beyond the budget. A copy larger than the budget is released at once.
     */
    public void put(ArrayData a, H handle, long size) {
        drain();
        Entry<H> old = entries.put(new Key(a, collected), new Entry<>(handle, size));
        if (old != null) {
            bytes -= old.bytes();
            if (old.handle() != handle) {
                release.accept(old.handle());
            }
        }
        bytes += size;
        Iterator<Map.Entry<Key, Entry<H>>> it = entries.entrySet().iterator();
        while (bytes > budget && it.hasNext()) {
            Entry<H> e = it.next().getValue();
            it.remove();
            bytes -= e.bytes();
            release.accept(e.handle());
        }
    }

    /** Whether {@code handle} is held as some array's copy (then its owner must not free it). */
    public boolean holds(H handle) {
        for (Entry<H> e : entries.values()) {
            if (e.handle() == handle) {
                return true;
            }
        }
        return false;
    }

    public int size() {
        drain();
        return entries.size();
    }

    public long bytes() {
        return bytes;
    }

    /** Releases every copy. */
    public void clear() {
        for (Entry<H> e : entries.values()) {
            release.accept(e.handle());
        }
        entries.clear();
        bytes = 0;
    }

    private void drain() {
        for (Object r; (r = collected.poll()) != null; ) {
            Entry<H> e = entries.remove((Key) r);
            if (e != null) {
                bytes -= e.bytes();
                release.accept(e.handle());
            }
        }
    }
}
