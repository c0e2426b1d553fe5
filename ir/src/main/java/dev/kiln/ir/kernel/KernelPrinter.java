package dev.kiln.ir.kernel;

import dev.kiln.ir.DType;
import dev.kiln.ir.text.GraphPrinter;
import dev.kiln.ir.text.VarNames;
import java.util.List;

/**
 * Prints kernel IR as C-like pseudo code, one statement a line: the {@code 05-kernels.txt} dump,
 * and what a backend author reads first.
 */
public final class KernelPrinter {
    private KernelPrinter() {
    }

    public static String print(KernelProgram p) {
        VarNames names = VarNames.of(p.plan().graph());
        StringBuilder sb = new StringBuilder();
        for (Kernel k : p.kernels()) {
            sb.append(print(k, names)).append('\n');
        }
        return sb.toString();
    }

    /** One kernel; {@code names} name the variables of the graph a library kernel's equation comes from. */
    public static String print(Kernel k, VarNames names) {
        StringBuilder sb = new StringBuilder();
        switch (k) {
            case AliasKernel a -> sb.append("alias ").append(a.name()).append(": ").append(a.target()).append(':')
                    .append(a.target().type()).append(" = view of ").append(a.source()).append('\n');
            case LoopKernel l -> loopKernel(sb, l, "loop");
            case LibraryKernel lib -> {
                sb.append("library ").append(lib.name()).append(": ").append(GraphPrinter.equation(lib.equation(), names))
                        .append("  (result in ").append(lib.result()).append(")\n");
                if (lib.epilogue() != null) {
                    loopKernel(sb, lib.epilogue(), "epilogue");
                }
            }
        }
        return sb.toString();
    }

    private static void loopKernel(StringBuilder sb, LoopKernel k, String word) {
        sb.append(word).append(' ').append(k.name()).append('(');
        appendBuffers(sb, "in", k.reads());
        sb.append("; ");
        appendBuffers(sb, "out", k.writes());
        sb.append(")");
        if (!k.inPlace().isEmpty()) {
            sb.append(" in-place:");
            for (LoopKernel.InPlace ip : k.inPlace()) {
                sb.append(' ').append(ip.read()).append("->").append(ip.written());
            }
        }
        sb.append(" {\n");
        stmts(sb, k.body(), 1);
        sb.append("}\n");
    }

    private static void appendBuffers(StringBuilder sb, String label, List<BufferRef> bs) {
        sb.append(label).append(' ');
        for (int i = 0; i < bs.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(bs.get(i)).append(':').append(bs.get(i).type());
        }
    }

    private static void stmts(StringBuilder sb, List<Stmt> body, int depth) {
        for (Stmt s : body) {
            sb.append("  ".repeat(depth));
            switch (s) {
                case Stmt.Loop l -> {
                    sb.append("for ").append(l.var()).append(" in 0..").append(l.var().extent());
                    if (l.parallel()) {
                        sb.append(" parallel");
                    }
                    if (l.contiguous()) {
                        sb.append(" contiguous");
                    }
                    sb.append(" {\n");
                    stmts(sb, l.body(), depth + 1);
                    sb.append("  ".repeat(depth)).append("}\n");
                }
                case Stmt.Assign a -> sb.append(a.local()).append(':').append(a.local().dtype()).append(" = ")
                        .append(expr(a.value())).append('\n');
                case Stmt.Accumulate a -> sb.append(a.acc()).append(" ").append(a.op() == ReduceOp.SUM ? "+=" : "max=")
                        .append(' ').append(expr(a.value())).append('\n');
                case Stmt.ArgMaxUpdate a -> sb.append("argmax_update(").append(a.best()).append(", ").append(a.bestIndex())
                        .append(", ").append(expr(a.value())).append(", ").append(a.position()).append(")\n");
                case Stmt.Store st -> sb.append(st.buffer()).append('[').append(st.index()).append("] = ")
                        .append(expr(st.value())).append('\n');
                case Stmt.If i -> {
                    sb.append("if (").append(i.cond()).append(") {\n");
                    stmts(sb, i.then(), depth + 1);
                    if (!i.otherwise().isEmpty()) {
                        sb.append("  ".repeat(depth)).append("} else {\n");
                        stmts(sb, i.otherwise(), depth + 1);
                    }
                    sb.append("  ".repeat(depth)).append("}\n");
                }
            }
        }
    }

    static String expr(Expr e) {
        return switch (e) {
            case Expr.Const c -> constant(c.value(), c.dtype());
            case Expr.Read r -> r.local().name();
            case Expr.Load l -> l.buffer() + "[" + l.index() + "]";
            case Expr.Index i -> "index<" + i.dtype() + ">(" + i.index() + ")";
            case Expr.Unary u -> u.op().textName() + "(" + expr(u.x()) + ")";
            case Expr.Binary b -> b.op().textName() + "(" + expr(b.a()) + ", " + expr(b.b()) + ")";
            case Expr.Compare c -> c.op().textName() + "(" + expr(c.a()) + ", " + expr(c.b()) + ")";
            case Expr.Select s -> "select(" + expr(s.pred()) + ", " + expr(s.onTrue()) + ", " + expr(s.onFalse()) + ")";
            case Expr.Convert c -> "convert<" + c.to() + ">(" + expr(c.x()) + ")";
        };
    }

    private static String constant(double v, DType dt) {
        return dev.kiln.ir.Literal.of(v, dt).text();
    }
}
