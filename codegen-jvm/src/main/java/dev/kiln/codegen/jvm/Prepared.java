package dev.kiln.codegen.jvm;

import dev.kiln.codegen.jvm.gen.LoopClasses;
import dev.kiln.ir.kernel.BufferRef;
import dev.kiln.ir.kernel.KernelProgram;
import dev.kiln.ir.kernel.LoopKernel;
import dev.kiln.ir.kernel.RebasedKernel;
import java.util.IdentityHashMap;
import java.util.List;
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
     * body up to buffers, which correspond position for position, and constants added to their
     * addresses) reuses that one's class and split, with the address bases of its own body.
     */
    static final class Cache {
        private final KernelProgram program;
        private final Map<LoopKernel, Prepared> byTemplate = new IdentityHashMap<>();

        Cache(KernelProgram program) {
            this.program = program;
        }

        Prepared of(LoopKernel k, List<BufferRef> params, Supplier<Prepared> prepare) {
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
                return p;
            }
            Map<BufferRef, Integer> bases = RebasedKernel.basesOf(k);
            int[] own = new int[params.size()];
            for (int i = 0; i < own.length; i++) {
                own[i] = bases.getOrDefault(params.get(i), 0);
            }
            return new Prepared(p.cls(), own, p.extent(), p.grain());
        }
    }
}
