package dev.kiln.runtime;

import dev.kiln.ir.Graph;
import dev.kiln.ir.text.GraphPrinter;

/**
 * IR text for dumps and commands. {@link #print} is what dump files hold: a {@code # stage:} header,
 * each equation's short source line, every constant in full, so the file parses back with
 * {@link dev.kiln.ir.text.GraphParser} (to an equal graph, sources as file and line). {@link #human}
 * summarises large constants instead, for the terminal; it does not parse back.
 */
public final class GraphText {
    private GraphText() {
    }

    /** The parseable text, with a stage header and short source lines. */
    public static String print(Graph g, String stage) {
        return GraphPrinter.print(g, new GraphPrinter.Options(stage, GraphPrinter.Sources.SHORT, false));
    }

    /** For people: like {@link #print}, but constants of more than a few values are summarised. */
    public static String human(Graph g, String stage) {
        return GraphPrinter.print(g, GraphPrinter.Options.human().withStage(stage));
    }
}
