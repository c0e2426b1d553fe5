package dev.kiln.runtime;

import dev.kiln.ir.KilnException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The backends on the class path, found with {@link ServiceLoader}, and the choice among them:
 * an explicit name, else the {@code kiln.backend} system property or {@code KILN_BACKEND}
 * environment variable, else the available backend of highest priority.
 */
public final class Backends {
    private static volatile List<Backend> all;
    private static volatile String globalChoice;

    private Backends() {
    }

    /** Every registered backend, available or not, highest priority first. */
    public static List<Backend> all() {
        List<Backend> a = all;
        if (a == null) {
            synchronized (Backends.class) {
                if (all == null) {
                    List<Backend> found = new ArrayList<>();
                    ServiceLoader.load(Backend.class, Backends.class.getClassLoader()).forEach(found::add);
                    found.sort(Comparator.comparingInt(Backend::priority).reversed());
                    all = List.copyOf(found);
                }
                a = all;
            }
        }
        return a;
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
            if (b.availability().available()) {
                return b;
            }
        }
        throw new KilnException("backend", "no backend is available");
    }

    /** The backend called {@code name}; an error naming the choices if it is unknown or unavailable. */
    public static Backend byName(String name) {
        for (Backend b : all()) {
            if (b.name().equalsIgnoreCase(name)) {
                Backend.Availability av = b.availability();
                if (!av.available()) {
                    throw new KilnException("backend", "backend '" + b.name() + "' is not available here: " + av.reason(),
                            null, "choose another with KILN_BACKEND or --backend; available: " + availableNames());
                }
                return b;
            }
        }
        throw new KilnException("backend", "unknown backend '" + name + "'", null,
                "known backends: " + all().stream().map(Backend::name).toList());
    }

    private static List<String> availableNames() {
        return all().stream().filter(b -> b.availability().available()).map(Backend::name).toList();
    }
}
