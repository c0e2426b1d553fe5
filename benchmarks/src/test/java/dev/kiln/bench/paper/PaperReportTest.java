package dev.kiln.bench.paper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.bench.harness.Machine;
import dev.kiln.bench.harness.Stats;
import dev.kiln.bench.harness.Timing;
import dev.kiln.bench.paper.PaperResults.AblationRow;
import dev.kiln.bench.paper.PaperResults.EpochRow;
import dev.kiln.bench.paper.PaperResults.MemoryRow;
import dev.kiln.bench.report.Table;
import dev.kiln.bench.step.MaxBatch;
import dev.kiln.bench.step.MemoryEstimate;
import dev.kiln.bench.step.Outcome;
import dev.kiln.bench.step.StepResult;
import dev.kiln.bench.step.StepSpec;
import dev.kiln.bench.step.Variant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PaperReportTest {
    private static Outcome ok(StepSpec s, double ms) {
        return Outcome.of(new StepResult(s, "jvm", 100, Stats.of(ms, ms), 5352, 80));
    }

    private static PaperResults results() {
        StepSpec dp = StepSpec.of("ffnn", 128, Variant.DP_VMAP), sgd = dp.withVariant(Variant.SGD);
        int spe = EpochSize.steps("ffnn", 128);
        Outcome d = ok(dp, 2.0), s = ok(sgd, 1.0);
        EpochRow row = new EpochRow("ffnn", 128, spe, d, s, d.result().stepMillis().scaled(spe / 1000.0),
                s.result().stepMillis().scaled(spe / 1000.0), "steps per epoch × median step");
        EpochRow failed = new EpochRow("ffnn", 256, EpochSize.steps("ffnn", 256), Outcome.failed(dp.withBatch(256), "out of memory"),
                ok(sgd.withBatch(256), 1.5), null, Stats.of(1), "steps per epoch × median step");
        List<Outcome> cells = new ArrayList<>();
        double[] ms = {100, 20, 10, 2, 4, 3};
        for (double m : ms) {
            cells.add(ok(dp, m));
        }
        AblationRow ab = new AblationRow("ffnn", 128, cells);
        MemoryRow mem = new MemoryRow("ffnn", Variant.DP_VMAP, 1L << 30, new MaxBatch.Found(5000, 1L << 29, 3),
                new MemoryEstimate(1 << 20, 1 << 28, 1 << 20, 1L << 29), null, 0);
        PaperPlan plan = new PaperPlan(List.of("ffnn"), List.of(128, 256), Timing.of(1, 3), 0, null, 128, List.of("ffnn"),
                1L << 30, false, PaperPlan.ALL_PARTS);
        return new PaperResults(new Machine("cpu", 2600, 2, "jdk", "os", "date", "1 1 1"), plan, "jvm", List.of(row, failed),
                List.of(ab), List.of(mem), 42);
    }

    @Test
    void epochTimeIsStepsPerEpochTimesTheMedianStep() {
        Table t = PaperReport.epochTable(results());
        List<String> r = t.rows().getFirst();
        assertEquals("354", r.get(2));
        assertEquals("0.708", r.get(5));
        assertEquals("0.354", r.get(6));
        assertEquals("2.00x", r.get(7));
        assertTrue(t.rows().get(1).get(11).contains("dp: out of memory"));
        assertEquals("", t.rows().get(1).get(7));
    }

    @Test
    void theAblationReportsSpeedupsAgainstJitWithVmap() {
        List<String> r = PaperReport.ablationTable(results()).rows().getFirst();
        assertEquals("5.00x", r.get(8));   // jit loop / jit vmap
        assertEquals("10.0x", r.get(9));   // eager vmap / jit vmap
        assertEquals("2.00x", r.get(10));  // unfused / fused
        assertEquals("1.50x", r.get(11));  // no reuse / reuse
    }

    @Test
    void theSummaryHoldsBatch128() {
        Table s = PaperReport.summaryTable(results());
        assertEquals(1, s.rows().size());
        assertEquals("ffnn", s.rows().getFirst().getFirst());
    }

    @Test
    void everyFileIsWritten(@TempDir Path dir) throws Exception {
        List<Path> files = PaperReport.write(results(), dir);
        List<String> names = files.stream().map(f -> f.getFileName().toString()).toList();
        assertTrue(names.containsAll(List.of("epoch_times.csv", "ablation.csv", "max_batch.csv", "epoch_ffnn.png",
                "ablation.png", "max_batch.png", "paper.md")), names.toString());
        String md = Files.readString(dir.resolve("paper.md"));
        assertTrue(md.contains("Backend: **jvm**"), md);
        assertTrue(md.contains("| ffnn | private (DP-SGD) | 1.00 GiB | 5000 |"), md);
    }

    @Test
    void epochSizesFollowTheDatasets() {
        assertEquals(354, EpochSize.steps("ffnn", 128));
        assertEquals(469, EpochSize.steps("mnist_cnn", 128));
        assertEquals(1, EpochSize.steps("lstm", 25_000));
        assertEquals(2, EpochSize.steps("lstm", 24_999));
    }

    @Test
    void unknownPartsAreRefused() {
        try {
            new PaperPlan(List.of(), List.of(), Timing.of(0, 1), 0, null, 1, List.of(), 1, false, Set.of("tables"));
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().contains("tables"));
            return;
        }
        throw new AssertionError("accepted an unknown part");
    }
}
