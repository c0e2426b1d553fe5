package dev.kiln.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimingTest {
    @Test
    void warmupCallsAreMadeButNotTimed() {
        int[] calls = {0};
        List<Long> reported = new ArrayList<>();
        double[] t = Timing.of(3, 5).measure(() -> calls[0]++, reported::add);
        assertEquals(8, calls[0]);
        assertEquals(5, t.length);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), reported);
    }

    @Test
    void anOverrunBudgetStopsAfterTheMinimumRuns() {
        int[] calls = {0};
        // Each call takes at least 2 ms by construction, the budget is 1 ms: only minRuns are timed.
        double[] t = new Timing(0, 50, 2, 1).measure(() -> {
            calls[0]++;
            long until = System.nanoTime() + 2_000_000;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        });
        assertEquals(2, t.length);
        assertEquals(2, calls[0]);
    }

    @Test
    void warmupGoesOnUntilItsTimeHasPassed() {
        List<long[]> calls = new ArrayList<>();
        // Only 1 warm-up call is asked for, but warm-up must last 5 ms; each call takes at least 1 ms.
        double[] t = new Timing(1, 2, 1, 0, 5).measure(() -> {
            long start = System.nanoTime();
            long until = start + 1_000_000;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            calls.add(new long[] {start, System.nanoTime()});
        });
        assertEquals(2, t.length);
        int warmups = calls.size() - 2;
        assertTrue(warmups >= 2, "warm-up calls " + warmups);
        long warmedFor = calls.get(warmups - 1)[1] - calls.get(0)[0];
        assertTrue(warmedFor >= 5_000_000, "warmed up for " + warmedFor + " ns");
    }

    @Test
    void warmupGoesOnWhileCallsAreStillGettingFaster() {
        int[] calls = {0};
        // Like a kernel HotSpot compiles late: the first 40 calls take 2 ms (a plateau longer than the
        // 50 ms warm-up asked for), later ones 0.1 ms. Settling must wait for the fast calls.
        double[] t = new Timing(1, 5, 5, 0, 50).measure(() -> {
            long until = System.nanoTime() + (calls[0]++ < 40 ? 2_000_000 : 100_000);
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        });
        assertTrue(calls[0] >= 45, "calls " + calls[0]);
        assertTrue(Stats.of(t).median() < 1.0, "timed calls were still slow: " + java.util.Arrays.toString(t));
    }

    @Test
    void settlingEndsAtItsCapEvenBeforeItsCalls() {
        int[] calls = {0};
        // 5 ms calls, 10 ms of warm-up: the cap (3 x 10 ms) ends warm-up long before 150 calls.
        new Timing(0, 1, 1, 0, 10).measure(() -> {
            calls[0]++;
            long until = System.nanoTime() + 5_000_000;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        });
        assertTrue(calls[0] < Timing.SETTLE_CALLS / 2, "calls " + calls[0]);
        assertTrue(calls[0] >= 2, "calls " + calls[0]);
    }

    @Test
    void aSlowActionKeepsOneWarmupCallWhenItsPlanWouldOverrunTheBudget() {
        Timing plan = new Timing(2, 10, 3, 10_000);
        assertSame(plan, plan.fitTo(100));
        Timing cut = plan.withWarmupMillis(2000).fitTo(5_000);
        assertEquals(1, cut.warmup());
        assertEquals(2000, cut.warmupMillis(), "the warm-up time stays: it bounds itself");
        assertEquals(1, cut.minRuns());
        assertEquals(10, cut.runs());
        Timing unbounded = new Timing(2, 10, 3, 0);
        assertSame(unbounded, unbounded.fitTo(1e9));
    }

    @Test
    void inconsistentPlansAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Timing(-1, 5, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Timing(0, 2, 3, 0));
        assertThrows(IllegalArgumentException.class, () -> new Timing(0, 0, 0, 0));
    }
}
