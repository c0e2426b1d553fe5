package dev.kiln.ir.kernel;

import java.util.List;

/** A reshape of a value in memory: {@code target} is {@code source}'s memory under another shape. No code runs. */
public record AliasKernel(String name, BufferRef source, BufferRef target) implements Kernel {
    @Override
    public List<BufferRef> reads() {
        return List.of(source);
    }

    @Override
    public List<BufferRef> writes() {
        return List.of(target);
    }

    @Override
    public List<BufferRef> scratch() {
        return List.of();
    }
}
