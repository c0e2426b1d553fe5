package dev.kiln.bench.step;

/**
 * One configuration of a timed training step.
 *
 * @param model   a paper model name
 * @param batch   examples per step
 * @param variant SGD, DP-SGD by vmap, or DP-SGD by a loop over examples
 * @param jit     compiled with {@code Kiln.jit} (else eager: each call traces and interprets)
 * @param backend the jit backend (null: the default)
 * @param fuse    kernel fusion on (off: one kernel per equation)
 * @param reuse   arena buffer reuse on
 */
public record StepSpec(String model, int batch, Variant variant, boolean jit, String backend, boolean fuse, boolean reuse) {
    public StepSpec {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be positive, got " + batch);
        }
    }

    public static StepSpec of(String model, int batch, Variant variant) {
        return new StepSpec(model, batch, variant, true, null, true, true);
    }

    public StepSpec withBatch(int b) {
        return new StepSpec(model, b, variant, jit, backend, fuse, reuse);
    }

    public StepSpec withVariant(Variant v) {
        return new StepSpec(model, batch, v, jit, backend, fuse, reuse);
    }

    public StepSpec withJit(boolean on) {
        return new StepSpec(model, batch, variant, on, backend, fuse, reuse);
    }

    public StepSpec onBackend(String b) {
        return new StepSpec(model, batch, variant, jit, b, fuse, reuse);
    }

    public StepSpec withFusion(boolean on) {
        return new StepSpec(model, batch, variant, jit, backend, on, reuse);
    }

    public StepSpec withBufferReuse(boolean on) {
        return new StepSpec(model, batch, variant, jit, backend, fuse, on);
    }

    /** A short description, e.g. {@code ffnn b128 dp jit} or {@code ffnn b128 dp jit unfused}. */
    public String describe() {
        StringBuilder sb = new StringBuilder().append(model).append(" b").append(batch).append(' ').append(variant.label())
                .append(jit ? " jit" : " eager");
        if (jit && !fuse) {
            sb.append(" unfused");
        }
        if (jit && !reuse) {
            sb.append(" no-reuse");
        }
        return sb.toString();
    }
}
