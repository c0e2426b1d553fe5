package dev.kiln.ir.fusion;

import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Var;
import dev.kiln.ir.text.GraphPrinter;
import dev.kiln.ir.text.VarNames;
import java.util.List;

/**
 * The kernel plan of a graph: its equations grouped into kernels, each run as one loop nest or
 * library call, in a schedule order that respects their data dependencies; and, for every value
 * written to memory only because a fusion was refused, the reason. {@link #text} is the
 * {@code 03-fusion.txt} dump, {@link #dot} the Graphviz view.
 */
public record FusionPlan(Graph graph, List<FusedKernel> kernels, List<Refusal> refusals, boolean fused) {
    public FusionPlan {
        kernels = List.copyOf(kernels);
        refusals = List.copyOf(refusals);
    }

    /** The kernel that writes {@code v} to memory, or null (inputs, constants, values only inlined). */
    public FusedKernel writerOf(Var v) {
        for (FusedKernel k : kernels) {
            if (k.outputs().contains(v)) {
                return k;
            }
        }
        return null;
    }

    /** The kernels that compute {@code eq} (more than one where a cheap equation is recomputed). */
    public List<FusedKernel> kernelsOf(Equation eq) {
        return kernels.stream().filter(k -> k.contains(eq)).toList();
    }

    /** The plan as text: each kernel with its kind, shape, inputs, outputs and equations, then the refusals. */
    public String text() {
        VarNames n = VarNames.of(graph);
        StringBuilder sb = new StringBuilder();
        sb.append(kernels.size()).append(" kernels for ").append(graph.equations().size()).append(" equations (fusion ")
                .append(fused ? "on" : "off").append(")\n\n");
        for (FusedKernel k : kernels) {
            sb.append(k.name()).append("  ").append(k.kind()).append("  over ").append(k.shape()).append('\n');
            sb.append("    reads:  ").append(names(n, k.inputs())).append('\n');
            sb.append("    writes: ").append(names(n, k.outputs())).append('\n');
            for (Equation eq : k.equations()) {
                boolean root = k.root() != null && eq.out() == k.root().out();
                sb.append(root ? "  * " : "    ").append(GraphPrinter.equation(eq, n)).append('\n');
            }
            sb.append('\n');
        }
        if (!refusals.isEmpty()) {
            sb.append("refused fusions (value written to memory and read back):\n");
            for (Refusal r : refusals) {
                sb.append("  ").append(n.name(r.producer().out())).append(" (").append(r.producer().primitive().name())
                        .append(") -> ").append(kernels.get(r.consumerKernel()).name()).append(": ")
                        .append(r.reason()).append(": ").append(r.detail()).append('\n');
            }
        }
        return sb.toString();
    }

    private static String names(VarNames n, List<Var> vs) {
        if (vs.isEmpty()) {
            return "-";
        }
        StringBuilder sb = new StringBuilder();
        for (Var v : vs) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(n.name(v)).append(':').append(v.type());
        }
        return sb.toString();
    }

    /** The fused graph in Graphviz: one cluster per kernel, values in memory as edges between kernels. */
    public String dot() {
        return FusionDot.render(this);
    }
}
