package dev.kiln.bench.paper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.bench.harness.Stats;
import dev.kiln.bench.step.StepResult;
import dev.kiln.bench.step.StepSpec;
import dev.kiln.bench.step.Variant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ColdStartTest {
    @Test
    void theStepCommandsCsvLineParsesBack() {
        StepResult r = new StepResult(StepSpec.of("ffnn", 128, Variant.DP_VMAP), "jvm", 812.5, Stats.of(3, 4, 5), 5352, 600.25);
        String line = ColdStart.line(r);
        assertEquals("csv,ffnn,dp,128,jvm,812.500,600.250,4.000", line);
        ColdStart.Cold c = ColdStart.parse("ffnn", Variant.DP_VMAP, List.of("noise", line));
        assertEquals(new ColdStart.Cold("ffnn", Variant.DP_VMAP, 812.5, 600.25, 4.0, "jvm", null), c);
        assertNull(c.error());
    }

    @Test
    void aChildWithoutTheLineReportsItsLastOutput() {
        ColdStart.Cold c = ColdStart.parse("lstm", Variant.SGD, List.of("Exception in thread main", "java.lang.OutOfMemoryError"));
        assertTrue(c.error().contains("OutOfMemoryError"), c.error());
        assertTrue(Double.isNaN(c.firstMillis()));
        assertEquals("", ColdStart.table(List.of(ColdStart.median(List.of(c))), 128).rows().getFirst().get(7));
    }

    @Test
    void aRowIsTheRunWithTheMedianCompileTimeAndFailedRunsAreLeftOut() {
        ColdStart.Cold slow = cold(1900), fast = cold(700), mid = cold(900);
        ColdStart.Cold failed = ColdStart.parse("ffnn", Variant.DP_VMAP, List.of("boom"));
        ColdStart.Row r = ColdStart.median(List.of(slow, failed, fast, mid));
        assertEquals(mid, r.median());
        assertEquals(700, r.compileMin());
        assertEquals(1900, r.compileMax());
        assertEquals(3, r.runs());
        List<String> row = ColdStart.table(List.of(r), 128).rows().getFirst();
        assertEquals("700-1900", row.get(4));
        assertEquals("yes", row.get(7));
    }

    @Test
    void whenEveryRunFailsTheRowShowsTheFirstFailure() {
        ColdStart.Cold failed = ColdStart.parse("ffnn", Variant.SGD, List.of("boom"));
        ColdStart.Row r = ColdStart.median(List.of(failed, ColdStart.parse("ffnn", Variant.SGD, List.of("bang"))));
        assertTrue(r.median().error().contains("boom"));
        assertTrue(Double.isNaN(r.compileMin()));
    }

    private static ColdStart.Cold cold(double compile) {
        return new ColdStart.Cold("ffnn", Variant.DP_VMAP, compile + 300, compile, 0.2, "jvm", null);
    }
}
