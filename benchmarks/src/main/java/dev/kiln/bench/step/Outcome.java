package dev.kiln.bench.step;

/**
 * A measurement that may have failed: out of memory, a backend that cannot compile the step, a
 * time budget spent before the first call finished. A table shows the reason instead of a time,
 * and the run goes on.
 *
 * @param spec   what was attempted
 * @param result the measurement, or null when it failed
 * @param error  why it failed (one line), or null
 */
public record Outcome(StepSpec spec, StepResult result, String error) {
    public Outcome {
        if ((result == null) == (error == null)) {
            throw new IllegalArgumentException("an outcome is either a result or an error");
        }
    }

    public static Outcome of(StepResult r) {
        return new Outcome(r.spec(), r, null);
    }

    public static Outcome failed(StepSpec spec, String error) {
        return new Outcome(spec, null, error);
    }

    public boolean ok() {
        return result != null;
    }

    /** The median step in milliseconds, or NaN when it failed. */
    public double medianMillis() {
        return ok() ? result.stepMillis().median() : Double.NaN;
    }

    /** A short cell for tables: the reason a failed run gives, e.g. {@code out of memory}. */
    public String errorCell() {
        return error == null ? "" : error;
    }

    /** Runs {@code measure}, turning an exception or an OutOfMemoryError into a failed outcome. */
    public static Outcome attempt(StepSpec spec, java.util.function.Supplier<StepResult> measure) {
        try {
            return of(measure.get());
        } catch (OutOfMemoryError e) {
            System.gc();
            return failed(spec, "out of memory (heap " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB)");
        } catch (RuntimeException e) {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            int nl = m.indexOf('\n');
            return failed(spec, "failed: " + (nl > 0 ? m.substring(0, nl) : m));
        }
    }
}
