package dev.kiln.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** RFC 4180 CSV: cells with commas, quotes or line breaks are quoted, quotes doubled. */
public final class Csv {
    private Csv() {
    }

    public static String render(Table t) {
        StringBuilder sb = new StringBuilder();
        line(sb, t.columns());
        for (List<String> r : t.rows()) {
            line(sb, r);
        }
        return sb.toString();
    }

    public static Path write(Table t, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path p = dir.resolve(t.name() + ".csv");
        Files.writeString(p, render(t));
        return p;
    }

    private static void line(StringBuilder sb, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(quote(cells.get(i)));
        }
        sb.append('\n');
    }

    static String quote(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
