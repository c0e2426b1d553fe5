package dev.kiln.runtime;

import dev.kiln.ir.Graph;

/**
 * A test backend (registered in src/test/resources) of the highest priority that cannot run here,
 * as a GPU backend on a machine without a GPU: it must never be picked by default, and naming it
 * must say why it cannot run.
 */
public final class UnavailableBackend implements Backend {
    static final String NAME = "unavailable-test";
    static final String REASON = "no such device on this machine (test backend)";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 1_000_000;
    }

    @Override
    public Availability availability() {
        return Availability.no(REASON);
    }

    @Override
    public Executable compile(Graph graph, CompileOptions options) {
        throw new AssertionError("an unavailable backend was asked to compile");
    }
}
