package dev.kiln.bench.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.IntToLongFunction;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class MaxBatchTest {
    @Test
    void affineMemoryIsSolvedInAFewProbes() {
        IntToLongFunction f = b -> 1000 + 64L * b;
        MaxBatch.Found r = MaxBatch.search(f, 1_000_000, 1 << 20);
        assertEquals((1_000_000 - 1000) / 64, r.batch());
        assertTrue(r.probes() <= 4, "probes " + r.probes());
        assertEquals(f.applyAsLong(r.batch()), r.bytes());
    }

    @Test
    void superlinearMemoryIsFoundByBisection() {
        IntToLongFunction f = b -> 10L * b * b;
        MaxBatch.Found r = MaxBatch.search(f, 1_000_000, 1 << 20);
        assertEquals(316, r.batch());
    }

    @Test
    void nothingFitsWhenOneExampleIsTooLarge() {
        assertEquals(0, MaxBatch.search(b -> 5000L * b, 4000, 100).batch());
    }

    @Test
    void onlyOneExampleFits() {
        assertEquals(1, MaxBatch.search(b -> 3000L * b, 4000, 100).batch());
    }

    @Test
    void theCapBoundsTheSearch() {
        MaxBatch.Found r = MaxBatch.search(b -> 1L, 10, 4096);
        assertEquals(4096, r.batch());
    }

    @Test
    void memoryThatDoesNotGrowAtFirstIsBracketedByDoubling() {
        // Flat until 100, then steep: the affine guess from batches 1 and 2 says nothing.
        IntToLongFunction f = b -> b <= 100 ? 500 : 500 + 10L * (b - 100);
        assertEquals(150, MaxBatch.search(f, 1000, 1 << 20).batch());
    }

    @Property(tries = 200)
    void theAnswerFitsAndTheNextSizeDoesNot(@ForAll @LongRange(min = 0, max = 10_000) long base,
                                            @ForAll @IntRange(min = 1, max = 5_000) int slope,
                                            @ForAll @IntRange(min = 0, max = 50) int curve,
                                            @ForAll @LongRange(min = 1, max = 100_000_000) long budget) {
        IntToLongFunction f = b -> base + (long) slope * b + (long) curve * b * (long) Math.sqrt(b);
        int cap = 1 << 16;
        MaxBatch.Found r = MaxBatch.search(f, budget, cap);
        if (r.batch() == 0) {
            assertTrue(f.applyAsLong(1) > budget);
        } else {
            assertTrue(f.applyAsLong(r.batch()) <= budget);
            assertTrue(r.batch() == cap || f.applyAsLong(r.batch() + 1) > budget);
        }
    }
}
