package dev.kiln.ir.prim;

/**
 * Derives {@code count} new keys from each key: key array {@code i32[K..., 2]} to
 * {@code i32[K..., count, 2]}, new key {@code j} being {@code threefry(key, (j, 1))}.
 */
public record RandomSplit(int count) implements Primitive {
    @Override
    public String name() {
        return "random_split";
    }
}
