package dev.kiln.ir.verify;

/**
 * Whether Kiln checks its own work while it compiles: the {@link Verifier} on every traced and
 * derived graph, and the buffer validator on every buffer plan. These catch bugs of Kiln's rules and
 * passes, not of the user's program (user errors are caught where an operation is traced), and on a
 * graph of thousands of equations they cost a tenth of a cold compile. So, like JAX's
 * {@code jax_enable_checks}, they are off by default and on in Kiln's own test suite (the build sets
 * {@code -Dkiln.checks=true}). {@code KILN_CHECKS=1} turns them on for a user's run.
 */
public final class Checks {
    private static final String ENV = System.getenv("KILN_CHECKS");

    private Checks() {
    }

    /** Whether the internal checks run: {@code -Dkiln.checks=true}, else {@code KILN_CHECKS} set and not 0/false. */
    public static boolean enabled() {
        String p = System.getProperty("kiln.checks");
        if (p == null) {
            p = ENV;
        }
        return p != null && !p.isBlank() && !p.equals("0") && !p.equalsIgnoreCase("false");
    }
}
