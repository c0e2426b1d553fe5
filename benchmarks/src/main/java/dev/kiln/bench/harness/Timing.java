package dev.kiln.bench.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Times repeated calls of an action: first the warm-up calls (untimed, so HotSpot compiles the
 * generated kernels and the JIT cache fills), at least {@code warmup} of them and for at least
 * {@code warmupMillis}, then up to {@code runs} timed calls, stopping early once the time budget
 * is spent (but never before {@code minRuns}). Times are milliseconds.
 *
 * @param warmup       untimed calls first, at least
 * @param runs         timed calls wanted
 * @param minRuns      timed calls made whatever the budget
 * @param budgetMillis wall-clock budget for the timed calls (0: none)
 * @param warmupMillis keep warming up until this long has passed (0: just the {@code warmup} calls)
 */
public record Timing(int warmup, int runs, int minRuns, long budgetMillis, long warmupMillis) {
    public Timing {
        if (warmup < 0 || runs < 1 || minRuns < 1 || minRuns > runs || budgetMillis < 0 || warmupMillis < 0) {
            throw new IllegalArgumentException("bad timing plan: warmup " + warmup + " (" + warmupMillis + " ms), runs "
                    + runs + ", minRuns " + minRuns + ", budget " + budgetMillis + " ms");
        }
    }

    public Timing(int warmup, int runs, int minRuns, long budgetMillis) {
        this(warmup, runs, minRuns, budgetMillis, 0);
    }

    public static Timing of(int warmup, int runs) {
        return new Timing(warmup, runs, Math.min(runs, 3), 0);
    }

    public Timing withBudget(long millis) {
        return new Timing(warmup, runs, minRuns, millis, warmupMillis);
    }

    public Timing withWarmupMillis(long millis) {
        return new Timing(warmup, runs, minRuns, budgetMillis, millis);
    }

    /**
     * This plan, cut down for an action that takes {@code oneCallMillis}: when warm-up plus the
     * minimum runs would overrun the budget, no warm-up and one run (the first call, made before,
     * already warmed the caches up; a call that long gives HotSpot time to compile anyway).
     */
    public Timing fitTo(double oneCallMillis) {
        if (budgetMillis > 0 && oneCallMillis * (warmup + minRuns) > budgetMillis) {
            return new Timing(0, runs, 1, budgetMillis, 0);
        }
        return this;
    }

    /** The milliseconds of each timed call; {@code afterEach} gets the index of each call done (warm-up included). */
    public double[] measure(Runnable action, LongConsumer afterEach) {
        long done = 0;
        long warmStart = System.nanoTime();
        for (int i = 0; i < warmup || (System.nanoTime() - warmStart) / 1e6 < warmupMillis; i++) {
            action.run();
            afterEach.accept(++done);
        }
        List<Double> times = new ArrayList<>(runs);
        long start = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            action.run();
            long t1 = System.nanoTime();
            times.add((t1 - t0) / 1e6);
            afterEach.accept(++done);
            if (budgetMillis > 0 && i + 1 >= minRuns && (t1 - start) / 1e6 > budgetMillis) {
                break;
            }
        }
        return times.stream().mapToDouble(Double::doubleValue).toArray();
    }

    public double[] measure(Runnable action) {
        return measure(action, i -> { });
    }

    /** Milliseconds of one call of {@code action}. */
    public static double once(Runnable action) {
        long t0 = System.nanoTime();
        action.run();
        return (System.nanoTime() - t0) / 1e6;
    }
}
