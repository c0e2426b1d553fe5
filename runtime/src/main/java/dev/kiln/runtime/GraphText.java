package dev.kiln.runtime;

import dev.kiln.ir.Graph;

/** IR text for dumps (delegates to the IR printer). */
final class GraphText {
    private GraphText() {
    }

    static String print(Graph g, String header) {
        return header + "\n" + g;
    }
}
