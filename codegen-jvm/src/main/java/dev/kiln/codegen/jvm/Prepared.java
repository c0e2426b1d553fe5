package dev.kiln.codegen.jvm;

import dev.kiln.codegen.jvm.gen.LoopClasses;
import dev.kiln.ir.kernel.KernelProgram;
import dev.kiln.ir.kernel.LoopKernel;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the JVM backend derives from a loop kernel's body, independent of its buffers: its class,
 * the base of each parameter's addresses (by position in the kernel's parameter list), and how its
 * parallel loop is split.
 */
record Prepared(LoopClasses.Entry cls, int[] bases, int extent, int grain) {

    /**
     * One compile's prepared kernels, by template: a kernel lowering copied from another (same
     * body up to buffers, which correspond position for position) reuses that one's.
     */
    static final class Cache {
        private final KernelProgram program;
        private final Map<LoopKernel, Prepared> byTemplate = new IdentityHashMap<>();

        Cache(KernelProgram program) {
            this.program = program;
        }

        Prepared of(LoopKernel k, Supplier<Prepared> prepare) {
            LoopKernel t = program.template(k);
            if (t == k) {
                Prepared p = prepare.get();
                byTemplate.put(k, p);
                return p;
            }
            Prepared p = byTemplate.get(t);
            if (p == null) {
                p = prepare.get();
                byTemplate.put(t, p);
            }
            return p;
        }
    }
}
