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
 * <p>When there is a warm-up time, warm-up also goes on until {@value #SETTLE_CALLS} calls have
 * been made and the calls have stopped getting faster (windows of {@value #SETTLE_WINDOW} calls
 * until one's median is within 10% of the window's before), for at most {@value #SETTLE_FACTOR}
 * times {@code warmupMillis} in all: HotSpot compiles a generated kernel only after enough calls
 * (and loop iterations), and until then runs its Vector API code interpreted, up to 100x slower,
 * so a warm-up of a fixed time can end on a plateau of slow calls before the drop.
 *
 * @param warmup       untimed calls first, at least
 * @param runs         timed calls wanted
 * @param minRuns      timed calls made whatever the budget
 * @param budgetMillis wall-clock budget for the timed calls (0: none)
 * @param warmupMillis keep warming up until this long has passed (0: just the {@code warmup} calls)
 */
public record Timing(int warmup, int runs, int minRuns, long budgetMillis, long warmupMillis) {
    /** Calls per window when waiting for the calls to stop getting faster. */
    static final int SETTLE_WINDOW = 5;
    /** The settling warm-up lasts at most this many times {@code warmupMillis}. */
    static final int SETTLE_FACTOR = 3;
    /** Calls (warm-up included) before the settling warm-up may stop. */
    static final int SETTLE_CALLS = 150;

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
     * minimum runs would overrun the budget, one warm-up call (plus the warm-up time, which bounds
     * itself) and one run. The warm-up time is kept: the first call of a jitted step runs its new
     * kernels interpreted (slow), so timing without warm-up would time HotSpot, not the step.
     */
    public Timing fitTo(double oneCallMillis) {
        if (budgetMillis > 0 && oneCallMillis * (warmup + minRuns) > budgetMillis) {
            return new Timing(Math.min(warmup, 1), runs, 1, budgetMillis, warmupMillis);
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
        done = settle(action, afterEach, done, warmStart);
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

    /** Warm-up windows while each is more than 10% faster than the one before; returns the calls done. */
    private long settle(Runnable action, LongConsumer afterEach, long done, long warmStart) {
        if (warmupMillis == 0) {
            return done;
        }
        double previous = Double.POSITIVE_INFINITY;
        double[] window = new double[SETTLE_WINDOW];
        double cap = SETTLE_FACTOR * (double) warmupMillis;
        while ((System.nanoTime() - warmStart) / 1e6 < cap) {
            for (int i = 0; i < SETTLE_WINDOW; i++) {
                window[i] = once(action);
                afterEach.accept(++done);
                if ((System.nanoTime() - warmStart) / 1e6 >= cap) {
                    return done;
                }
            }
            double median = Stats.of(window).median();
            if (median >= 0.9 * previous && done >= SETTLE_CALLS) {
                break;
            }
            previous = median;
        }
        return done;
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
