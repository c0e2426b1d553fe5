package dev.kiln.runtime;

import dev.kiln.ir.Graph;

/**
 * A compiler from graphs to executables (the backend SPI). Implementations register through
 * {@link java.util.ServiceLoader} in {@code META-INF/services/dev.kiln.runtime.Backend}; the runtime
 * never imports them. A backend that cannot run on this machine (no GPU, no OpenCL driver) still
 * loads, and says why in {@link #availability()}.
 */
public interface Backend {

    /** A short name users select it by: {@code jvm}, {@code ptx}, {@code opencl}, {@code interpreter}. */
    String name();

    /** Higher wins when the user names no backend. */
    int priority();

    /** Whether it can run here, and if not, why not in one line. Asked once; {@link Backends} keeps the answer. */
    Availability availability();

    /** Compiles {@code graph}. The executable may be run from many threads at once. */
    Executable compile(Graph graph, CompileOptions options);

    /** Whether a backend can run on this machine, and the reason when it cannot. */
    record Availability(boolean available, String reason) {
        public static Availability yes(String description) {
            return new Availability(true, description);
        }

        public static Availability no(String reason) {
            return new Availability(false, reason);
        }
    }
}
