package dev.kiln.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableWritersTest {
    private static Table sample() {
        return Table.builder("t", "A title", "model", "ms", "note")
                .row("ffnn", 1.234, "plain")
                .row("a,b", 10.0, "say \"hi\"")
                .row("x|y", Double.NaN, "")
                .build();
    }

    @Test
    void csvQuotesCellsWithCommasAndDoublesQuotes() {
        String csv = Csv.render(sample());
        assertEquals("model,ms,note\nffnn,1.23,plain\n\"a,b\",10.0,\"say \"\"hi\"\"\"\nx|y,,\n", csv);
    }

    @Test
    void csvFilesAreNamedForTheTable(@TempDir Path dir) throws Exception {
        Path p = Csv.write(sample(), dir.resolve("sub"));
        assertEquals("t.csv", p.getFileName().toString());
        assertEquals(Csv.render(sample()), Files.readString(p));
    }

    @Test
    void markdownRightAlignsNumericColumnsAndEscapesPipes() {
        String md = Markdown.render(sample());
        List<String> lines = md.lines().toList();
        assertEquals("### A title", lines.get(0));
        assertEquals("| model | ms | note |", lines.get(2));
        assertEquals("|---|---:|---|", lines.get(3));
        assertEquals("| x\\|y |  |  |", lines.get(6));
    }

    @Test
    void ratiosAndPercentagesCountAsNumbers() {
        assertTrue(Markdown.isNumber("1.5x"));
        assertTrue(Markdown.isNumber("12%"));
        assertTrue(Markdown.isNumber("-3"));
        assertFalse(Markdown.isNumber("x"));
        assertFalse(Markdown.isNumber("1.00 GiB"));
    }

    @Test
    void rowsMustMatchTheColumns() {
        assertThrows(IllegalArgumentException.class, () -> new Table("t", "t", List.of("a", "b"), List.of(List.of("1"))));
    }

    @Test
    void chartsArePngFiles(@TempDir Path dir) throws Exception {
        Map<String, List<Double>> series = new LinkedHashMap<>();
        series.put("DP-SGD", List.of(1.0, 2.0, Double.NaN));
        series.put("SGD", List.of(0.5, 0.7, 0.9));
        for (boolean log : new boolean[] {false, true}) {
            Path p = Charts.write(new Charts.Bars("t", "batch", "s", List.of("16", "32", "64"), series, log),
                    dir.resolve("c" + log + ".png"));
            byte[] b = Files.readAllBytes(p);
            assertTrue(b.length > 1000);
            assertEquals((byte) 0x89, b[0]);
            assertEquals('P', b[1]);
        }
    }

    @Test
    void chartSeriesMustCoverEveryCategory() {
        assertThrows(IllegalArgumentException.class, () -> new Charts.Bars("t", "x", "y", List.of("a", "b"),
                Map.of("s", List.of(1.0)), false));
    }
}
