package dev.kiln.ir.fusion;

import dev.kiln.ir.Atom;
import dev.kiln.ir.Constant;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Var;
import dev.kiln.ir.text.GraphPrinter;
import dev.kiln.ir.text.VarNames;

/**
 * Renders a {@link FusionPlan} as Graphviz: each kernel a cluster of its equations, graph inputs
 * and constants as ellipses, and edges for every value flow; values read from memory across
 * kernels are drawn bold, refused fusions red with their reason.
 */
final class FusionDot {
    private FusionDot() {
    }

    static String render(FusionPlan plan) {
        VarNames n = VarNames.of(plan.graph());
        StringBuilder sb = new StringBuilder("digraph fused {\n  rankdir=TB;\n  node [fontname=\"monospace\", fontsize=10];\n");
        for (Var v : plan.graph().inputs()) {
            sb.append("  ").append(id(n, v)).append(" [shape=ellipse, label=\"").append(n.name(v) + ":" + v.type()).append("\"];\n");
        }
        for (Constant c : plan.graph().constants()) {
            sb.append("  ").append(id(n, c.var())).append(" [shape=ellipse, style=dashed, label=\"")
                    .append(n.name(c.var()) + ":" + c.var().type()).append("\"];\n");
        }
        for (FusedKernel k : plan.kernels()) {
            sb.append("  subgraph cluster_").append(k.index()).append(" {\n    label=\"").append(k.name()).append(" (")
                    .append(k.kind()).append(")\";\n    style=rounded;\n");
            for (Equation eq : k.equations()) {
                String node = "k" + k.index() + "_" + n.name(eq.out());
                boolean written = k.outputs().contains(eq.out());
                sb.append("    ").append(node).append(" [shape=box").append(written ? ", style=bold" : "")
                        .append(", label=\"").append(escape(GraphPrinter.equation(eq, n))).append("\"];\n");
            }
            sb.append("  }\n");
        }
        for (FusedKernel k : plan.kernels()) {
            for (Equation eq : k.equations()) {
                String to = "k" + k.index() + "_" + n.name(eq.out());
                for (Atom a : eq.inputs()) {
                    if (a instanceof Var v) {
                        sb.append("  ").append(source(plan, k, v, n)).append(" -> ").append(to)
                                .append(edgeStyle(plan, k, v)).append(";\n");
                    }
                }
            }
        }
        return sb.append("}\n").toString();
    }

    /** Red with the reason where a fusion into this kernel was refused; bold where the value crosses kernels. */
    private static String edgeStyle(FusionPlan plan, FusedKernel k, Var v) {
        for (Refusal r : plan.refusals()) {
            if (r.producer().out() == v && r.consumerKernel() == k.index()) {
                return " [color=red, fontcolor=red, fontsize=8, label=\"" + r.reason() + "\"]";
            }
        }
        FusedKernel w = plan.writerOf(v);
        return w != null && w != k && !k.inputs().isEmpty() && k.inputs().contains(v) ? " [style=bold]" : "";
    }

    /** The node an operand comes from: inlined in this kernel, written by another, or a graph input. */
    private static String source(FusionPlan plan, FusedKernel k, Var v, VarNames n) {
        for (Equation eq : k.equations()) {
            if (eq.out() == v) {
                return "k" + k.index() + "_" + n.name(v);
            }
        }
        FusedKernel w = plan.writerOf(v);
        return w != null ? "k" + w.index() + "_" + n.name(v) : id(n, v);
    }

    private static String id(VarNames n, Var v) {
        return "v_" + n.name(v);
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
