package dev.kiln.ir.buffers;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * How long each stage of one compile took (wall-clock milliseconds, in pipeline order, and the
 * compiling thread's CPU time, which a loaded machine does not inflate). With
 * {@code -Dkiln.timing=true} (or {@code KILN_TIMING=1}) backends print them after each compile.
 */
public final class CompileTimes {
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    private final Map<String, Double> millis = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, Double> cpuMillis = Collections.synchronizedMap(new LinkedHashMap<>());

    /** Whether compiles should print their stage times. */
    public static boolean enabled() {
        String p = System.getProperty("kiln.timing");
        if (p == null) {
            p = System.getenv("KILN_TIMING");
        }
        return p != null && !p.isBlank() && !p.equals("0") && !p.equalsIgnoreCase("false");
    }

    /** Runs {@code stage}, adding its time under {@code name}. */
    public <T> T time(String name, Supplier<T> stage) {
        long t = System.nanoTime(), cpu = cpuNanos();
        try {
            return stage.get();
        } finally {
            add(name, (System.nanoTime() - t) / 1e6);
            if (cpu >= 0) {
                cpuMillis.merge(name, (cpuNanos() - cpu) / 1e6, Double::sum);
            }
        }
    }

    /** This thread's CPU time (the stage's own work, without waiting for a core), or -1 if unknown. */
    private static long cpuNanos() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : -1;
    }

    public void add(String name, double ms) {
        millis.merge(name, ms, Double::sum);
    }

    /** Each stage's milliseconds, in the order the stages first ran. */
    public Map<String, Double> stages() {
        synchronized (millis) {
            return Map.copyOf(new LinkedHashMap<>(millis));
        }
    }

    public double total() {
        synchronized (millis) {
            return millis.values().stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    /** {@code optimize 12.0 ms (cpu 11.5), fuse 3.1 ms (cpu 3.0), ..., total 40.2 ms}. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        synchronized (millis) {
            millis.forEach((k, v) -> {
                sb.append(k).append(' ').append(String.format(Locale.ROOT, "%.1f", v)).append(" ms");
                Double cpu = cpuMillis.get(k);
                if (cpu != null) {
                    sb.append(String.format(Locale.ROOT, " (cpu %.1f)", cpu));
                }
                sb.append(", ");
            });
        }
        return sb.append("total ").append(String.format(Locale.ROOT, "%.1f", total())).append(" ms").toString();
    }
}
