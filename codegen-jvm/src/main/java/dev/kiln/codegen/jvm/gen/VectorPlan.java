package dev.kiln.codegen.jvm.gen;

import dev.kiln.ir.kernel.LoopKernel;

/** Which loop of a kernel is rendered with the Vector API, and how (filled in by the vector code generator). */
final class VectorPlan {
    private VectorPlan() {
    }

    static VectorPlan of(LoopKernel kernel) {
        return null;
    }
}
