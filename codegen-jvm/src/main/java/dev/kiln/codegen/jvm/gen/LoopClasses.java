package dev.kiln.codegen.jvm.gen;

import dev.kiln.ir.kernel.CanonicalKernel;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The generated loop classes of this process, one per distinct kernel. Kernels that differ only
 * in which buffers they touch and where (the steps of an unrolled loop, the same layer in two
 * compiled functions) have one {@link CanonicalKernel} (buffers are parameters, and constant
 * address parts move into their offsets, see {@code RebasedKernel}); they share one hidden class,
 * generated once, which HotSpot compiles once and which reaches full speed sooner. Every class is
 * stateless, so one instance serves every kernel and thread that uses it.
 */
public final class LoopClasses {
    /** The name every generated loop class is written with (hidden classes get a unique suffix). */
    public static final String NAME = "Loop";
    /** Past this many classes the cache starts afresh (executables keep the classes they use). */
    private static final int MAX_CLASSES = 8192;

    private static final ConcurrentHashMap<Key, Entry> CACHE = new ConcurrentHashMap<>();

    private record Key(CanonicalKernel kernel, boolean vectorize) {
    }

    /** A generated class: its one instance and its class file (for dumps). */
    public record Entry(CompiledLoop loop, byte[] bytes) {
    }

    private LoopClasses() {
    }

    /** The class of {@code kernel}: the one generated before for an equal kernel, else a new one. */
    public static Entry of(CanonicalKernel kernel, boolean vectorize) {
        if (CACHE.size() >= MAX_CLASSES) {
            CACHE.clear();
        }
        return CACHE.computeIfAbsent(new Key(kernel, vectorize), k -> {
            byte[] bytes = bytes(kernel, vectorize);
            return new Entry(HiddenClasses.define(bytes), bytes);
        });
    }

    /** The class file generated for {@code kernel}. */
    public static byte[] bytes(CanonicalKernel kernel, boolean vectorize) {
        return LoopClassGenerator.generate(kernel.kernel(NAME), NAME, kernel.params(), vectorize);
    }

    /** How many distinct loop classes the cache holds now. */
    public static int size() {
        return CACHE.size();
    }
}
