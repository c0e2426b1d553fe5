package dev.kiln.privacy.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.KilnException;
import dev.kiln.privacy.RandomSource;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SamplingTest {
    private static final RandomSource SEEDED = RandomSource.seeded(2024);

    @Test
    void poissonIncludesEachExampleWithProbabilityQ() {
        PoissonSampler s = PoissonSampler.forExpectedBatch(1000, 50, 0);
        int draws = 2000;
        int[] hits = new int[1000];
        long total = 0;
        SplittableRandom rng = new SplittableRandom(7);
        for (int d = 0; d < draws; d++) {
            int[] idx = s.draw(rng);
            for (int i = 1; i < idx.length; i++) {
                assertTrue(idx[i] > idx[i - 1], "indices ascend without repeats");
            }
            for (int i : idx) {
                hits[i]++;
            }
            total += idx.length;
        }
        // Mean draw size q N = 50, its standard error over 2000 draws sqrt(47.5 / 2000) = 0.15.
        assertEquals(50, total / (double) draws, 0.8);
        // Each example: Binomial(2000, 0.05), mean 100, sd 9.7; all 1000 within 5 sd.
        for (int h : hits) {
            assertTrue(Math.abs(h - 100) < 50, "inclusion count " + h);
        }
        // First and last positions are reachable (no off-by-one in the skips).
        assertTrue(hits[0] > 0 && hits[999] > 0);
    }

    @Test
    void poissonPadsToThePhysicalSizeAndSplitsLargeDrawsWithoutDroppingAny() {
        PoissonSampler s = PoissonSampler.forExpectedBatch(400, 40, 16);
        assertEquals(10, s.stepsPerEpoch());
        assertEquals(0.1, s.samplingRate(), 1e-12);
        assertEquals(40.0, s.expectedBatchSize(), 1e-9);
        for (int step = 0; step < 10; step++) {
            LogicalBatch lb = s.batch(3, step, SEEDED);
            int[] direct = s.draw(SEEDED.generator(RandomSource.POISSON, 3L * 10 + step));
            assertArrayEquals(direct, lb.indices(), "every drawn example is in some micro-batch");
            assertEquals((direct.length + 15) / 16, lb.parts().size());
            for (PhysicalBatch p : lb.parts()) {
                assertEquals(16, p.size());
                float[] mask = p.mask().toFloatArray();
                int[] idx = p.indices();
                for (int i = 0; i < 16; i++) {
                    assertEquals(i < p.realCount() ? 1f : 0f, mask[i]);
                    assertEquals(i < p.realCount(), idx[i] >= 0);
                }
            }
        }
    }

    @Test
    void anEmptyDrawIsOneAllPaddingBatch() {
        LogicalBatch lb = LogicalBatch.split(new int[0], 8);
        assertEquals(1, lb.parts().size());
        assertEquals(0, lb.size());
        assertArrayEquals(new float[8], lb.parts().get(0).mask().toFloatArray());
    }

    @Test
    void defaultPhysicalSizeSitsTwoAndAHalfDeviationsAboveTheMean() {
        // q N = 256 of 60,000: sd = sqrt(256 * (1 - q)) = 15.97, so 256 + 39.9 -> 296.
        assertEquals(296, PoissonSampler.defaultPhysicalSize(60_000, 256.0 / 60_000));
        assertEquals(10, PoissonSampler.defaultPhysicalSize(10, 1.0));
    }

    @Test
    void seededDrawsAreReproducibleAndDifferAcrossSteps() {
        PoissonSampler s = PoissonSampler.forExpectedBatch(500, 25, 0);
        assertArrayEquals(s.batch(2, 4, SEEDED).indices(), s.batch(2, 4, RandomSource.seeded(2024)).indices());
        assertFalse(Arrays.equals(s.batch(2, 4, SEEDED).indices(), s.batch(2, 5, SEEDED).indices()));
        assertFalse(Arrays.equals(s.batch(2, 4, SEEDED).indices(), s.batch(2, 4, RandomSource.seeded(2025)).indices()));
    }

    @Test
    void shuffleCoversEveryExampleOncePerEpochWhenPadding() {
        ShuffleSampler s = new ShuffleSampler(23, 5, 5, ShuffleSampler.LastBatch.PAD);
        assertEquals(5, s.stepsPerEpoch());
        int[] seen = new int[23];
        for (int step = 0; step < 5; step++) {
            LogicalBatch lb = s.batch(0, step, SEEDED);
            assertEquals(step < 4 ? 5 : 3, lb.size());
            for (int i : lb.indices()) {
                seen[i]++;
            }
        }
        for (int c : seen) {
            assertEquals(1, c);
        }
    }

    @Test
    void shuffleDropsTheLastPartialBatchByDefaultAndReshufflesEachEpoch() {
        ShuffleSampler s = ShuffleSampler.of(23, 5);
        assertEquals(4, s.stepsPerEpoch());
        assertEquals(5, s.batch(0, 3, SEEDED).size());
        assertFalse(Arrays.equals(s.batch(0, 0, SEEDED).indices(), s.batch(1, 0, SEEDED).indices()));
        assertArrayEquals(s.batch(1, 2, SEEDED).indices(), ShuffleSampler.of(23, 5).batch(1, 2, SEEDED).indices());
    }

    @Test
    void shuffleSplitsALogicalBatchIntoMicroBatches() {
        ShuffleSampler s = new ShuffleSampler(40, 10, 4, ShuffleSampler.LastBatch.DROP);
        LogicalBatch lb = s.batch(0, 1, SEEDED);
        assertEquals(3, lb.parts().size());
        assertEquals(10, lb.size());
        assertEquals(2, lb.parts().get(2).realCount());
    }

    @Test
    void secureRandomnessIsNotReproducibleAndSaysSo() {
        RandomSource s = RandomSource.secure();
        assertFalse(s.reproducible());
        assertTrue(s.describe().contains("secure"));
        assertFalse(Arrays.equals(s.noiseKey(0).toIntArray(), s.noiseKey(0).toIntArray()));
        RandomSource a = RandomSource.seeded(5);
        assertArrayEquals(a.noiseKey(17).toIntArray(), RandomSource.seeded(5).noiseKey(17).toIntArray());
        assertFalse(Arrays.equals(a.noiseKey(17).toIntArray(), a.noiseKey(18).toIntArray()));
    }

    @Test
    void badSamplingSettingsAreClearErrors() {
        KilnException q = assertThrows(KilnException.class, () -> new PoissonSampler(100, 1.5, 10, 1));
        assertTrue(q.getMessage().contains("sampling rate q must be in (0, 1]"), q.getMessage());
        assertThrows(KilnException.class, () -> new PoissonSampler(100, 0, 10, 1));
        KilnException b = assertThrows(KilnException.class, () -> ShuffleSampler.of(10, 11));
        assertTrue(b.getMessage().contains("batch size"), b.getMessage());
        assertThrows(KilnException.class, () -> PoissonSampler.forExpectedBatch(10, 0, 0));
    }
}
