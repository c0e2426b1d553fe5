package dev.kiln.codegen.jvm.gen;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The generated loop classes of this process, one per distinct class file. Kernels that differ
 * only in which buffers they touch and where (the steps of an unrolled loop, the same layer in
 * two compiled functions) generate equal class files, since buffers are parameters and constant
 * address parts are moved into their offsets ({@code RebasedKernel}); they share one hidden class,
 * so HotSpot compiles that code once and it reaches full speed sooner. Every class is stateless,
 * so one instance serves every kernel and thread that uses it.
 */
public final class LoopClasses {
    /** The name every generated loop class is written with (hidden classes get a unique suffix). */
    public static final String NAME = "Loop";
    /** Past this many classes the cache starts afresh (executables keep the classes they use). */
    private static final int MAX_CLASSES = 8192;

    private static final ConcurrentHashMap<Key, CompiledLoop> CACHE = new ConcurrentHashMap<>();

    private LoopClasses() {
    }

    private record Key(byte[] bytes, int hash) {
        Key(byte[] bytes) {
            this(bytes, Arrays.hashCode(bytes));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && Arrays.equals(k.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** The loop of class file {@code bytes}: the one defined before for equal bytes, else a new one. */
    public static CompiledLoop define(byte[] bytes) {
        if (CACHE.size() >= MAX_CLASSES) {
            CACHE.clear();
        }
        return CACHE.computeIfAbsent(new Key(bytes), k -> HiddenClasses.define(k.bytes()));
    }

    /** How many distinct loop classes the cache holds now. */
    public static int size() {
        return CACHE.size();
    }
}
