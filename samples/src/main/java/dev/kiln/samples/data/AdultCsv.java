package dev.kiln.samples.data;

import dev.kiln.ir.ArrayData;
import java.nio.file.Path;

/**
 * The Adult census data, preprocessed to the paper's 104 numeric features: {@code train.csv} and
 * {@code test.csv} (optionally gzipped), one example a line, the 104 feature values then the
 * label (0: income &lt;= 50K, 1: &gt; 50K), separated by commas. A first line none of whose cells
 * parses as a number is taken as a header and skipped; blank lines are skipped. Features become f32
 * {@code [N, 104]} as written (scale them beforehand); see docs/data.md for the preprocessing.
 */
public final class AdultCsv {
    public static final int FEATURES = 104;

    private AdultCsv() {
    }

    public static RealData.Split load(Path dir) {
        return new RealData.Split(read(DataFiles.find(dir, "train.csv"), "Adult train"),
                read(DataFiles.find(dir, "test.csv"), "Adult test"));
    }

    static Dataset read(Path file, String what) {
        String[] lines = DataFiles.readText(file).split("\r?\n");
        float[] x = new float[lines.length * FEATURES];
        int[] y = new int[lines.length];
        int n = 0;
        for (int li = 0; li < lines.length; li++) {
            String line = lines[li].strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] cells = line.split(",");
            if (li == 0 && java.util.Arrays.stream(cells).noneMatch(AdultCsv::looksNumeric)) {
                continue;
            }
            if (cells.length != FEATURES + 1) {
                throw DataFiles.error(file, "line " + (li + 1) + " has " + cells.length + " columns, expected "
                        + (FEATURES + 1) + " (104 features and the label)");
            }
            for (int j = 0; j < FEATURES; j++) {
                x[n * FEATURES + j] = parseFloat(cells[j], file, li, j);
            }
            String label = cells[FEATURES].strip();
            if (!label.equals("0") && !label.equals("1")) {
                throw DataFiles.error(file, "line " + (li + 1) + ": the label (last column) must be 0 or 1, got '" + label + "'");
            }
            y[n++] = label.charAt(0) - '0';
        }
        if (n == 0) {
            throw DataFiles.error(file, "no examples");
        }
        float[] xs = java.util.Arrays.copyOf(x, n * FEATURES);
        int[] ys = java.util.Arrays.copyOf(y, n);
        return new Dataset(ArrayData.of(xs, n, FEATURES), ArrayData.of(ys, n), 2, what + " (" + n + " rows)");
    }

    private static boolean looksNumeric(String s) {
        try {
            Float.parseFloat(s.strip());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static float parseFloat(String s, Path file, int line, int column) {
        try {
            return Float.parseFloat(s.strip());
        } catch (NumberFormatException e) {
            throw DataFiles.error(file, "line " + (line + 1) + ", column " + (column + 1) + ": '" + s + "' is not a number");
        }
    }
}
