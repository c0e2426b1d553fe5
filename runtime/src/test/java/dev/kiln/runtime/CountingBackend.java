package dev.kiln.runtime;

import dev.kiln.ir.Graph;
import dev.kiln.ir.KilnException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test backend (registered in src/test/resources) that runs on the interpreter, counts its
 * compiles and fails on request. Its priority is below the interpreter's, so it is never the
 * default unless chosen.
 */
public final class CountingBackend implements Backend {
    static final String NAME = "counting-test";
    static final AtomicInteger compiles = new AtomicInteger();
    /** How many of the next compiles throw. */
    static final AtomicInteger failNext = new AtomicInteger();
    /** When set, every compile waits for it (to hold a compile open while other threads call). */
    static volatile CountDownLatch gate;

    static void reset() {
        compiles.set(0);
        failNext.set(0);
        gate = null;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return -10;
    }

    @Override
    public Availability availability() {
        return Availability.yes("the interpreter, counting compiles (tests only)");
    }

    @Override
    public Executable compile(Graph graph, CompileOptions options) {
        compiles.incrementAndGet();
        CountDownLatch g = gate;
        if (g != null) {
            try {
                g.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new KilnException(options.label(), "injected compile failure");
        }
        return new InterpreterBackend().compile(graph, options);
    }
}
