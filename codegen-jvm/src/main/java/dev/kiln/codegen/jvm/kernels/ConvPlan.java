package dev.kiln.codegen.jvm.kernels;

/** One way of computing an f32 convolution, chosen by {@link ConvKernel} for the shape at hand. */
interface ConvPlan {
    /** Floats of scratch a run needs. */
    int scratchSize();

    void run(float[] lhs, int lo, float[] rhs, int ro, float[] out, int oo, float[] scratch, int so);
}
