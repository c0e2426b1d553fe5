package dev.kiln.bench.report;

import java.util.List;

/**
 * GitHub Markdown tables: a heading, the header row, an alignment row (numbers right-aligned,
 * judged from the first row's cells), and the rows with pipes escaped.
 */
public final class Markdown {
    private Markdown() {
    }

    public static String render(Table t) {
        StringBuilder sb = new StringBuilder();
        if (t.title() != null && !t.title().isEmpty()) {
            sb.append("### ").append(t.title()).append("\n\n");
        }
        sb.append(table(t));
        return sb.toString();
    }

    /** The table alone, without its heading. */
    public static String table(Table t) {
        StringBuilder sb = new StringBuilder();
        row(sb, t.columns());
        sb.append('|');
        for (int c = 0; c < t.columns().size(); c++) {
            sb.append(numericColumn(t, c) ? "---:|" : "---|");
        }
        sb.append('\n');
        for (List<String> r : t.rows()) {
            row(sb, r);
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, List<String> cells) {
        sb.append('|');
        for (String c : cells) {
            sb.append(' ').append(c.replace("|", "\\|").replace("\n", " ")).append(" |");
        }
        sb.append('\n');
    }

    /** A column is numeric when every non-empty cell reads as a number (a trailing x or % allowed). */
    static boolean numericColumn(Table t, int c) {
        boolean any = false;
        for (List<String> r : t.rows()) {
            String s = r.get(c);
            if (s.isEmpty()) {
                continue;
            }
            if (!isNumber(s)) {
                return false;
            }
            any = true;
        }
        return any;
    }

    static boolean isNumber(String s) {
        String t = s.endsWith("x") || s.endsWith("%") ? s.substring(0, s.length() - 1) : s;
        try {
            Double.parseDouble(t);
            return !t.isBlank();
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
