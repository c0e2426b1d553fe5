package dev.kiln.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The machine a run measured on, for the results' header: CPU model and nominal clock from
 * {@code /proc/cpuinfo}, cores the JVM sees, the JDK, the date, and the load average (the
 * machine is shared, and load explains noise).
 */
public record Machine(String cpu, double cpuMhz, int cores, String jdk, String os, String date, String loadAverage) {

    public static Machine here() {
        List<String> info = lines(Path.of("/proc/cpuinfo"));
        String model = field(info, "model name");
        String mhz = field(info, "cpu MHz");
        double clock = 0;
        try {
            clock = mhz == null ? 0 : Double.parseDouble(mhz);
        } catch (NumberFormatException ignored) {
            // leave 0: unknown
        }
        String jdk = System.getProperty("java.vm.vendor", "") + " " + System.getProperty("java.runtime.name", "Java")
                + " " + System.getProperty("java.runtime.version", System.getProperty("java.version"));
        String os = System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch");
        String load = lines(Path.of("/proc/loadavg")).stream().findFirst()
                .map(l -> String.join(" ", java.util.Arrays.asList(l.split(" ")).subList(0, 3))).orElse("unknown");
        return new Machine(model == null ? System.getProperty("os.arch") : model, clock,
                Runtime.getRuntime().availableProcessors(), jdk.trim(), os,
                ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME.withZone(java.time.ZoneOffset.UTC))
                        .replaceAll("\\.\\d+", ""), load);
    }

    /** The first value of {@code key} in {@code key : value} lines (as in /proc/cpuinfo). */
    public static String field(List<String> lines, String key) {
        for (String l : lines) {
            int colon = l.indexOf(':');
            if (colon > 0 && l.substring(0, colon).trim().equals(key)) {
                return l.substring(colon + 1).trim();
            }
        }
        return null;
    }

    /** The lines of /proc/cpuinfo (none where it does not exist). */
    public static List<String> cpuinfo() {
        return lines(Path.of("/proc/cpuinfo"));
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The current 1-minute load average, or NaN where unknown. */
    public static double loadNow() {
        List<String> l = lines(Path.of("/proc/loadavg"));
        try {
            return l.isEmpty() ? Double.NaN : Double.parseDouble(l.getFirst().split(" ")[0]);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** One line for headers: {@code AMD EPYC (2 cores, 2596 MHz nominal), Temurin ... 25, 2026-11-23T13:00Z, load 7.1 9.0 6.8}. */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "%s (%d cores%s), %s, %s, %s, load average %s", cpu, cores,
                cpuMhz > 0 ? String.format(java.util.Locale.ROOT, ", %.0f MHz as /proc/cpuinfo reports", cpuMhz) : "",
                jdk, os, date, loadAverage);
    }
}
