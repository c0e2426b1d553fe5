package dev.kiln.runtime;

import dev.kiln.ir.KilnException;
import dev.kiln.ir.SourceLocation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The backends on the class path, found with {@link ServiceLoader}, and the choice among them:
 * an explicit name, else the {@code kiln.backend} system property or {@code KILN_BACKEND}
 * environment variable, else the available backend of highest priority.
 */
public final class Backends {
    private static volatile List<Backend> all;
    private static volatile String globalChoice;
    private static final Logger LOG = Logger.getLogger("dev.kiln.backend");
    private static final Map<String, Backend.Availability> AVAILABILITY = new ConcurrentHashMap<>();

    private Backends() {
    }

    /** Every registered backend, available or not, highest priority first. */
    public static List<Backend> all() {
        List<Backend> a = all;
        if (a == null) {
            synchronized (Backends.class) {
                if (all == null) {
                    List<Backend> found = load();
                    found.sort(Comparator.comparingInt(Backend::priority).reversed());
                    all = List.copyOf(found);
                }
                a = all;
            }
        }
        return a;
    }

    /**
     * Instantiates every provider, skipping (with a warning) one that fails to load, so a backend
     * whose native library or dependency is missing cannot take the others down with it.
     */
    private static List<Backend> load() {
        List<Backend> found = new ArrayList<>();
        Iterator<Backend> it = ServiceLoader.load(Backend.class, Backends.class.getClassLoader()).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    return found;
                }
                found.add(it.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                Throwable cause = e.getCause();
                LOG.warning("kiln: skipping a backend that failed to load: " + e + (cause == null ? "" : " (cause: " + cause + ")"));
                LOG.log(Level.FINE, "kiln: backend loading failure", e);
            }
        }
    }

    /** Whether {@code b} can run here, asked once per backend (probing a device can be slow). */
    public static Backend.Availability availability(Backend b) {
        return AVAILABILITY.computeIfAbsent(b.name(), n -> {
            try {
                return b.availability();
            } catch (RuntimeException | LinkageError e) {
                return Backend.Availability.no("probing it failed: " + e);
            }
        });
    }

    /** Sets the backend used when none is named per call (null restores the default). */
    public static void setDefault(String name) {
        if (name != null) {
            byName(name);
        }
        globalChoice = name;
    }

    /** The backend to use when none is named per call. */
    public static Backend defaultBackend() {
        String name = globalChoice;
        if (name == null) {
            name = System.getProperty("kiln.backend");
        }
        if (name == null || name.isBlank()) {
            name = System.getenv("KILN_BACKEND");
        }
        if (name != null && !name.isBlank()) {
            return byName(name.trim());
        }
        for (Backend b : all()) {
            if (availability(b).available()) {
                return b;
            }
        }
        throw new KilnException("backend", "no backend is available", SourceLocation.ofCaller(),
                "registered backends: " + summary());
    }

    /** The backend called {@code name}; an error naming the choices if it is unknown or unavailable. */
    public static Backend byName(String name) {
        for (Backend b : all()) {
            if (b.name().equalsIgnoreCase(name)) {
                Backend.Availability av = availability(b);
                if (!av.available()) {
                    throw new KilnException("backend", "backend '" + b.name() + "' is not available here: " + av.reason(),
                            SourceLocation.ofCaller(), "choose another with KILN_BACKEND, -Dkiln.backend or Kiln.setBackend; "
                            + "available: " + availableNames());
                }
                return b;
            }
        }
        throw new KilnException("backend", "unknown backend '" + name + "'", SourceLocation.ofCaller(),
                "known backends: " + summary());
    }

    /** {@code jvm (available), ptx (not available: no CUDA driver), ...}, highest priority first. */
    private static String summary() {
        List<String> parts = new ArrayList<>();
        for (Backend b : all()) {
            Backend.Availability av = availability(b);
            parts.add(b.name() + (av.available() ? " (available)" : " (not available: " + av.reason() + ")"));
        }
        return parts.isEmpty() ? "none (no dev.kiln.runtime.Backend service on the class path)" : String.join(", ", parts);
    }

    private static List<String> availableNames() {
        return all().stream().filter(b -> availability(b).available()).map(Backend::name).toList();
    }
}
