package dev.kiln.runtime;

/**
 * How to compile one graph.
 *
 * @param label    names the function in logs and dumps, e.g. {@code jit(loss)}
 * @param dump     where this compile writes its stage dumps, or {@link Dump#NONE}
 * @param fuse     fuse kernels (off: one kernel per equation, for benchmarks and debugging)
 * @param reuseBuffers share arena slots between intermediates whose lifetimes do not overlap
 */
public record CompileOptions(String label, Dump dump, boolean fuse, boolean reuseBuffers) {
    public static CompileOptions defaults(String label) {
        return new CompileOptions(label, Dump.NONE, true, true);
    }

    public CompileOptions withDump(Dump d) {
        return new CompileOptions(label, d, fuse, reuseBuffers);
    }

    public CompileOptions withFusion(boolean on) {
        return new CompileOptions(label, dump, on, reuseBuffers);
    }

    public CompileOptions withBufferReuse(boolean on) {
        return new CompileOptions(label, dump, fuse, on);
    }
}
