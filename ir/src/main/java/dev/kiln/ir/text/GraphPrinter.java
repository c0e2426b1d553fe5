package dev.kiln.ir.text;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Atom;
import dev.kiln.ir.Constant;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.SourceLocation;
import dev.kiln.ir.Var;
import java.util.Map;
import java.util.SortedMap;

/**
 * Prints a {@link Graph} as text, one equation a line, in the jaxpr style:
 *
 * <pre>
 * # stage: grad(loss)
 * { lambda a:f32[2] ; b:f32[128,104] c:f32[104,2]. let
 *     d:f32[128,2] = dot_general[lhs_batch=[] lhs_contract=[1] rhs_batch=[] rhs_contract=[0]] b c
 *     e:f32[128,2] = broadcast_in_dim[broadcast_dimensions=[1] shape=[128,2]] a
 *     f:f32[128,2] = add d e  @ Model.java:42
 *     g:f32[128,2] = mul f 2.0:f32
 *   in (f, g) }
 * const a:f32[2] = [0.5, -1.0]
 * </pre>
 *
 * Constants are bound before the {@code ;}, inputs after it; constant values follow the graph, one
 * {@code const} line each (wrapped every {@value #VALUES_PER_LINE} values). Variables are named by
 * {@link VarNames}, parameters are sorted by key, so the text is deterministic and diffs cleanly.
 * With the default {@link Options} the text parses back ({@link GraphParser}) to an equal graph.
 */
public final class GraphPrinter {
    static final int VALUES_PER_LINE = 16;
    /** Constants with more elements than this print as a summary in {@link Options#human()} mode. */
    static final int SUMMARY_THRESHOLD = 16;

    /** How each equation's source line is shown. */
    public enum Sources {
        /** Not at all. */
        NONE,
        /** {@code @ Model.java:42}: readable; the parser restores file and line, class and method as "?". */
        SHORT,
        /** {@code @ dev.x.Model.loss(Model.java:42)}: the parser restores every field. */
        FULL
    }

    /**
     * Printing options.
     *
     * @param stage       written as a first line {@code # stage: ...} (which the parser skips), or null
     * @param sources     whether and how to append each equation's source line
     * @param summarizeConstants print large constants as a one-line summary: readable, but the text no
     *                    longer parses
     */
    public record Options(String stage, Sources sources, boolean summarizeConstants) {
        /** Round-trip mode: full constant values, no sources, no stage line. */
        public static final Options DEFAULT = new Options(null, Sources.NONE, false);

        public Options {
            sources = sources == null ? Sources.NONE : sources;
        }

        /** For people: short source lines and summarised large constants. Does not parse back. */
        public static Options human() {
            return new Options(null, Sources.SHORT, true);
        }

        public Options withStage(String s) {
            return new Options(s, sources, summarizeConstants);
        }

        public Options withSources(Sources s) {
            return new Options(stage, s, summarizeConstants);
        }
    }

    private GraphPrinter() {
    }

    /** The graph in round-trip form. */
    public static String print(Graph g) {
        return print(g, Options.DEFAULT);
    }

    public static String print(Graph g, Options options) {
        VarNames names = VarNames.of(g);
        StringBuilder sb = new StringBuilder();
        if (options.stage() != null) {
            sb.append("# stage: ").append(options.stage().replace('\n', ' ').replace('\r', ' ')).append('\n');
        }
        sb.append("{ lambda");
        for (Constant c : g.constants()) {
            sb.append(' ').append(binder(c.var(), names));
        }
        sb.append(" ;");
        for (Var v : g.inputs()) {
            sb.append(' ').append(binder(v, names));
        }
        sb.append(". let\n");
        for (Equation e : g.equations()) {
            sb.append("    ").append(equation(e, names));
            appendSource(sb, e.source(), options.sources());
            sb.append('\n');
        }
        sb.append("  in (");
        for (int i = 0; i < g.outputs().size(); i++) {
            sb.append(i > 0 ? ", " : "").append(names.text(g.outputs().get(i)));
        }
        sb.append(") }\n");
        for (Constant c : g.constants()) {
            appendConstant(sb, c, names, options.summarizeConstants());
        }
        return sb.toString();
    }

    /** One equation without indentation or source: {@code f:f32[2] = add d e}. */
    public static String equation(Equation e, VarNames names) {
        StringBuilder sb = new StringBuilder(binder(e.out(), names)).append(" = ").append(e.primitive().name());
        SortedMap<String, String> params = PrimitiveText.params(e.primitive());
        if (!params.isEmpty()) {
            sb.append('[');
            boolean first = true;
            for (Map.Entry<String, String> p : params.entrySet()) {
                sb.append(first ? "" : " ").append(p.getKey()).append('=').append(p.getValue());
                first = false;
            }
            sb.append(']');
        }
        for (Atom a : e.inputs()) {
            sb.append(' ').append(names.text(a));
        }
        return sb.toString();
    }

    /** The annotation the parser reads back, or "" when there is nothing to show. */
    static String sourceText(SourceLocation s, Sources mode) {
        if (mode == Sources.NONE || s == null || s.isUnknown()) {
            return "";
        }
        if (mode == Sources.SHORT && s.line() < 0 && s.fileName().equals(SourceLocation.UNKNOWN.fileName())) {
            return ""; // nothing the short form would show is known
        }
        return mode == Sources.SHORT ? s.shortText()
                : s.className() + "." + s.methodName() + "(" + s.fileName() + ":" + s.line() + ")";
    }

    private static void appendSource(StringBuilder sb, SourceLocation s, Sources mode) {
        String text = sourceText(s, mode);
        if (!text.isEmpty()) {
            sb.append("  @ ").append(text);
        }
    }

    private static String binder(Var v, VarNames names) {
        return names.name(v) + ":" + v.type();
    }

    private static void appendConstant(StringBuilder sb, Constant c, VarNames names, boolean summarize) {
        ArrayData a = c.value();
        sb.append("const ").append(binder(c.var(), names)).append(" = ");
        if (summarize && a.size() > SUMMARY_THRESHOLD) {
            sb.append(summary(a)).append('\n');
            return;
        }
        sb.append('[');
        for (int i = 0; i < a.size(); i++) {
            if (i > 0) {
                sb.append(i % VALUES_PER_LINE == 0 ? ",\n    " : ", ");
            }
            sb.append(ValueText.element(a, i));
        }
        sb.append("]\n");
    }

    private static String summary(ArrayData a) {
        int lo = 0;
        int hi = 0;
        for (int i = 1; i < a.size(); i++) {
            lo = a.getDouble(i) < a.getDouble(lo) ? i : lo;
            hi = a.getDouble(i) > a.getDouble(hi) ? i : hi;
        }
        return "<" + a.size() + " values in [" + ValueText.element(a, lo) + ", " + ValueText.element(a, hi) + "], not printed>";
    }
}
