package dev.kiln.ir.opt;

import dev.kiln.ir.Graph;
import java.util.List;

/**
 * The graph optimiser run before fusion: simplification, constant folding, common subexpression
 * elimination, sums of disjoint pads as concatenations, dead code elimination and the DP-SGD
 * clipping rewrites ({@link ContractionSums}, {@link ScatterClipping}, {@link GhostClipping},
 * {@link ConvGhostClipping}),
 * repeated until the graph stops changing (each pass exposes work for the others: a folded
 * constant becomes a literal that simplifies {@code x*1}, which makes two equations identical,
 * which leaves a third dead; a rewritten norm leaves a per-example gradient dead). The clipping
 * rewrites run after dead code elimination, so that they see every value's live readers only.
 * Then {@link ReductionsInMemoryOrder} chooses the order of reductions over transposed values
 * (after the clipping rewrites, which match the transposed form), and the passes run again.
 */
public final class Optimizer {
    private static final int MAX_ROUNDS = 16;

    private final List<GraphPass> passes;
    /** Run once the passes reach their fixed point (then the passes again): layout choices that must not hide patterns from them. */
    private final List<GraphPass> finishing;

    public Optimizer(List<GraphPass> passes) {
        this(passes, List.of());
    }

    public Optimizer(List<GraphPass> passes, List<GraphPass> finishing) {
        this.passes = List.copyOf(passes);
        this.finishing = List.copyOf(finishing);
    }

    /** The standard pipeline. */
    public static Optimizer standard() {
        return new Optimizer(List.of(new AlgebraicSimplifier(), new ConstantFolding(), new CommonSubexpressions(),
                new PadSumsToConcatenation(), new DeadCodeElimination(), new ContractionSums(), new ScatterClipping(),
                new GhostClipping(), new ConvGhostClipping()), List.of(new ReductionsInMemoryOrder()));
    }

    /** {@code graph} optimised with the standard pipeline. */
    public static Graph optimize(Graph graph) {
        return standard().run(graph);
    }

    /** The passes to their fixed point, then the finishing passes, then the passes again if those changed anything. */
    public Graph run(Graph graph) {
        return ScopedValue.where(GraphIndex.MEMO, new GraphIndex.Memo()).call(() -> runPasses(graph));
    }

    private Graph runPasses(Graph graph) {
        Graph g = fixedPoint(graph);
        Graph before = g;
        for (GraphPass p : finishing) {
            g = p.run(g);
        }
        return g == before ? g : fixedPoint(g);
    }

    /**
     * Runs the passes in order, round after round, until every pass has seen the current graph
     * and left it unchanged. A pass returns its input instance when it changes nothing, so a pass
     * is skipped while the graph is the very instance it last left alone: the rounds after the
     * last change cost only the passes that have not yet seen it. An {@link GraphPass#idempotent}
     * pass leaves its own output alone by definition.
     */
    private Graph fixedPoint(Graph graph) {
        Graph g = graph;
        Graph[] leftAlone = new Graph[passes.size()];
        int quiet = 0;
        for (int step = 0; step < MAX_ROUNDS * passes.size() && quiet < passes.size(); step++) {
            int i = step % passes.size();
            if (leftAlone[i] == g) {
                quiet++;
                continue;
            }
            Graph out = passes.get(i).run(g);
            if (out == g) {
                leftAlone[i] = g;
                quiet++;
            } else {
                g = out;
                quiet = 0;
                if (passes.get(i).idempotent()) {
                    leftAlone[i] = g;
                    quiet = 1;
                }
            }
        }
        return g;
    }
}
