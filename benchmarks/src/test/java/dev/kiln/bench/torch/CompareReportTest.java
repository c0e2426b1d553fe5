package dev.kiln.bench.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.bench.harness.Machine;
import dev.kiln.bench.harness.Stats;
import dev.kiln.bench.report.Table;
import dev.kiln.bench.torch.CompareResults.Row;
import dev.kiln.bench.torch.CompareResults.Side;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareReportTest {
    private static Side side(double first, double... ms) {
        return new Side(first, Double.NaN, Stats.of(ms), 5352, null);
    }

    private static CompareResults results() {
        Machine m = new Machine("cpu", 2600, 2, "jdk", "os", "date", "1 1 1");
        return new CompareResults(m, "PyTorch 1.13", "jvm", 128, 3, 4, List.of(
                new Row("ffnn", "sgd", side(300, 1, 1, 1), side(10, 2, 2, 2)),
                // The first call (1200 ms) includes a slow first run; the goal is on trace + compile (900 ms).
                new Row("ffnn", "dp", new Side(1200, 900, Stats.of(1.2, 1.2), 5352, null), side(20, 4, 4)),
                new Row("logreg", "sgd", side(300, 1), side(10, 1)),
                new Row("logreg", "dp", Side.failed("out of memory"), side(20, 4))), 12.0);
    }

    @Test
    void ratiosAreKilnOverPyTorch() {
        Table t = CompareReport.table(results());
        assertEquals("0.500x", t.rows().get(0).get(4));
        assertEquals("0.300x", t.rows().get(1).get(4));
        assertEquals("", t.rows().get(3).get(4));
        assertTrue(t.rows().get(3).get(10).contains("Kiln out of memory"));
    }

    @Test
    void goalsAreCheckedPerModel() {
        Table g = CompareReport.goals(results());
        assertEquals(List.of("ffnn", "0.300x", "1.20x", "900", "yes / yes / yes"), g.rows().get(0));
        assertEquals("not measured", g.rows().get(1).get(4));
    }

    @Test
    void filesAreWrittenUnderTheResultsFolder(@TempDir Path dir) throws Exception {
        List<Path> files = CompareReport.write(results(), dir);
        assertEquals(4, files.size());
        for (Path f : files) {
            assertTrue(Files.size(f) > 0, f.toString());
        }
        assertTrue(Files.readString(dir.resolve("compare.md")).contains("| ffnn | DP-SGD (vmap) |"));
    }
}
