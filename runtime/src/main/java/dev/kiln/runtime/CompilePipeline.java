package dev.kiln.runtime;

import dev.kiln.ir.Graph;
import dev.kiln.ir.verify.Checks;
import dev.kiln.ir.verify.Verifier;

/**
 * The stages between a traced graph and an executable: dump the traced IR and (under {@link Checks}) verify it, then hand the graph
 * to the backend (which optimises, fuses, assigns buffers and generates code, dumping each stage).
 */
public final class CompilePipeline {
    private CompilePipeline() {
    }

    public static Executable compile(Graph traced, Backend backend, CompileOptions options) {
        options.dump().write("01-traced.kir", () -> GraphText.print(traced, "traced " + options.label()));
        if (Checks.enabled()) {
            Verifier.verify(traced);
        }
        return backend.compile(traced, options);
    }
}
