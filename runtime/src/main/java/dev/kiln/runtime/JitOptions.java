package dev.kiln.runtime;

/**
 * Options of one jitted function.
 *
 * @param name          how logs and dumps name it (null: the source line of the jit call)
 * @param backend       the backend to compile for (null: {@link Backends#defaultBackend()})
 * @param fuse          kernel fusion on (default) or off (one kernel per equation)
 * @param reuseBuffers  arena slot sharing on (default) or off
 */
public record JitOptions(String name, String backend, boolean fuse, boolean reuseBuffers) {
    public static JitOptions defaults() {
        return new JitOptions(null, null, true, true);
    }

    public JitOptions named(String n) {
        return new JitOptions(n, backend, fuse, reuseBuffers);
    }

    public JitOptions onBackend(String b) {
        return new JitOptions(name, b, fuse, reuseBuffers);
    }

    public JitOptions withFusion(boolean on) {
        return new JitOptions(name, backend, on, reuseBuffers);
    }

    public JitOptions withBufferReuse(boolean on) {
        return new JitOptions(name, backend, fuse, on);
    }
}
