package dev.kiln.bench.harness;

import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The progress line of a long run, on standard error: what is being measured, how much of the
 * plan is done, elapsed time and an estimate of what remains. On a terminal it is a live
 * progress bar; otherwise (a log file, CI) a plain line at most every few seconds and whenever
 * the measurement changes.
 */
public final class Progress implements AutoCloseable {
    private static final long QUIET_NANOS = 5_000_000_000L;

    private final PrintStream out;
    private final ProgressBar bar;
    private final long total;
    private final long start = System.nanoTime();
    private long done;
    private long lastPrint;
    private String task = "";

    public Progress(String name, long totalUnits) {
        this(System.err, System.console() != null, name, totalUnits);
    }

    Progress(PrintStream out, boolean terminal, String name, long totalUnits) {
        this.out = out;
        this.total = Math.max(1, totalUnits);
        this.bar = terminal ? new ProgressBarBuilder().setTaskName(name).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).setMaxRenderedLength(140)
                .setConsumer(new ConsoleProgressBarConsumer(out)).build() : null;
    }

    /** Names the current measurement. */
    public synchronized void task(String name) {
        task = name;
        if (bar != null) {
            bar.setExtraMessage(name);
        } else {
            print(true);
        }
    }

    /** Marks {@code units} more of the plan done. */
    public synchronized void advance(long units) {
        done = Math.min(total, done + units);
        if (bar != null) {
            bar.stepTo(done);
        } else {
            print(false);
        }
    }

    public synchronized long done() {
        return done;
    }

    /** The plain progress line as it would print now. */
    synchronized String line() {
        double elapsed = (System.nanoTime() - start) / 1e9;
        double frac = done / (double) total;
        String eta = done == 0 ? "?" : clock(elapsed / frac - elapsed);
        return String.format(Locale.ROOT, "[%3.0f%%] %s  (%s elapsed, ~%s left)", 100 * frac, task, clock(elapsed), eta);
    }

    static String clock(double seconds) {
        long s = Math.round(Math.max(0, seconds));
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }

    private void print(boolean force) {
        long now = System.nanoTime();
        if (!force && now - lastPrint < QUIET_NANOS) {
            return;
        }
        lastPrint = now;
        out.println(line());
        out.flush();
    }

    /** Prints a message on its own line (a live bar redraws below it). */
    public synchronized void message(String m) {
        out.print(bar != null ? "\r\033[K" + m + "\n" : m + "\n");
        out.flush();
    }

    @Override
    public synchronized void close() {
        if (bar != null) {
            bar.close();
        }
        out.flush();
    }
}
