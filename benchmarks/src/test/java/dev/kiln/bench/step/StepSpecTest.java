package dev.kiln.bench.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class StepSpecTest {
    @Test
    void descriptionsNameWhatDiffersFromTheDefault() {
        StepSpec s = StepSpec.of("ffnn", 128, Variant.DP_VMAP);
        assertEquals("ffnn b128 dp jit", s.describe());
        assertEquals("ffnn b128 dp jit unfused no-reuse", s.withFusion(false).withBufferReuse(false).describe());
        assertEquals("ffnn b16 dp_loop eager", s.withBatch(16).withVariant(Variant.DP_LOOP).withJit(false).describe());
    }

    @Test
    void variantsRoundTripThroughTheirLabels() {
        for (Variant v : Variant.values()) {
            assertEquals(v, Variant.ofLabel(v.label()));
        }
        assertThrows(IllegalArgumentException.class, () -> Variant.ofLabel("adam"));
    }

    @Test
    void batchesArePositive() {
        assertThrows(IllegalArgumentException.class, () -> StepSpec.of("ffnn", 0, Variant.SGD));
    }

    @Test
    void outcomesAreAResultOrAnError() {
        StepSpec s = StepSpec.of("ffnn", 8, Variant.SGD);
        Outcome failed = Outcome.attempt(s, () -> {
            throw new IllegalStateException("boom\nsecond line");
        });
        assertEquals("failed: boom", failed.error());
        assertEquals(Double.NaN, failed.medianMillis());
        assertThrows(IllegalArgumentException.class, () -> new Outcome(s, null, null));
    }
}
