package dev.kiln.bench.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A table of results: named columns and rows of cells already formatted as text, so the CSV and
 * Markdown renderings show the same figures.
 *
 * @param name    file stem for its CSV, e.g. {@code epoch_times}
 * @param title   heading in Markdown
 * @param columns column names
 * @param rows    one list of cells per row, as many as columns
 */
public record Table(String name, String title, List<String> columns, List<List<String>> rows) {
    public Table {
        columns = List.copyOf(columns);
        List<List<String>> copy = new ArrayList<>(rows.size());
        for (List<String> r : rows) {
            if (r.size() != columns.size()) {
                throw new IllegalArgumentException("table " + name + ": row " + r + " has " + r.size()
                        + " cells for " + columns.size() + " columns " + columns);
            }
            copy.add(List.copyOf(r));
        }
        rows = List.copyOf(copy);
    }

    /** A table to fill row by row. */
    public static Builder builder(String name, String title, String... columns) {
        return new Builder(name, title, List.of(columns));
    }

    /** Collects rows; cells may be any objects, formatted with {@link Format#cell(Object)}. */
    public static final class Builder {
        private final String name;
        private final String title;
        private final List<String> columns;
        private final List<List<String>> rows = new ArrayList<>();

        private Builder(String name, String title, List<String> columns) {
            this.name = name;
            this.title = title;
            this.columns = columns;
        }

        public Builder row(Object... cells) {
            List<String> r = new ArrayList<>(cells.length);
            for (Object c : cells) {
                r.add(Format.cell(c));
            }
            rows.add(r);
            return this;
        }

        public int size() {
            return rows.size();
        }

        public Table build() {
            return new Table(name, title, columns, rows);
        }
    }
}
