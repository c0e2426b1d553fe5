package dev.kiln.ir.buffers;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * How long each stage of one compile took (wall-clock milliseconds, in pipeline order). With
 * {@code -Dkiln.timing=true} (or {@code KILN_TIMING=1}) backends print them after each compile.
 */
public final class CompileTimes {
    private final Map<String, Double> millis = Collections.synchronizedMap(new LinkedHashMap<>());

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
        long t = System.nanoTime();
        try {
            return stage.get();
        } finally {
            add(name, (System.nanoTime() - t) / 1e6);
        }
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

    /** {@code optimize 12.0 ms, fuse 3.1 ms, ..., total 40.2 ms}. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        synchronized (millis) {
            millis.forEach((k, v) -> sb.append(k).append(' ').append(String.format(Locale.ROOT, "%.1f", v)).append(" ms, "));
        }
        return sb.append("total ").append(String.format(Locale.ROOT, "%.1f", total())).append(" ms").toString();
    }
}
