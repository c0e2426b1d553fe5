package dev.kiln.codegen.jvm;

import dev.kiln.ir.Graph;
import dev.kiln.runtime.Backend;
import dev.kiln.runtime.CompileOptions;
import dev.kiln.runtime.Executable;

/**
 * The default backend: fused kernels as JVM bytecode (hidden classes generated with ASM, inner
 * loops on the Vector API), library kernels for products, convolutions, pooling and indexing,
 * work split across cores. Runs wherever Java runs.
 */
public final class JvmBackend implements Backend {
    @Override
    public String name() {
        return "jvm";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Availability availability() {
        return Availability.yes("JVM bytecode, " + Runtime.getRuntime().availableProcessors() + " cores, "
                + (Vectorization.enabled() ? "Vector API" : "scalar loops (start the JVM with --add-modules jdk.incubator.vector for the Vector API)"));
    }

    @Override
    public Executable compile(Graph graph, CompileOptions options) {
        return JvmCompiler.compile(graph, options);
    }
}
