package dev.kiln.codegen.jvm.gen;

/** Scalar code with the planned loop rendered through the Vector API. */
final class VectorCode extends ScalarCode {
    VectorCode(MethodFrame f, VectorPlan plan) {
        super(f);
    }
}
