package dev.kiln.codegen.jvm;

/**
 * Whether generated kernels use the Vector API: only when the {@code jdk.incubator.vector}
 * module is in the boot layer (the JVM was started with {@code --add-modules jdk.incubator.vector})
 * and {@code -Dkiln.vector=false} does not turn it off. Otherwise kernels are scalar, which
 * HotSpot still auto-vectorises where it can.
 */
public final class Vectorization {
    private static final boolean ENABLED = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !"false".equalsIgnoreCase(System.getProperty("kiln.vector"));

    private Vectorization() {
    }

    public static boolean enabled() {
        return ENABLED;
    }
}
