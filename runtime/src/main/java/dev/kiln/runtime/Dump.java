package dev.kiln.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The dump switch: with {@code KILN_DUMP=dir} (or {@code -Dkiln.dump=dir}) every compile writes
 * numbered files into {@code dir/NNNN-label/}: the traced IR, the optimised IR, the kernel plan,
 * the buffer plan, the generated kernels and a Graphviz view. Stages name their files with a
 * two-digit prefix in pipeline order so {@code ls} shows them in order.
 */
public final class Dump {
    /** Dumping off. */
    public static final Dump NONE = new Dump(null);
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final Path dir;

    private Dump(Path dir) {
        this.dir = dir;
    }

    /** The configured dump root, or null when dumping is off. */
    public static Path root() {
        String d = System.getProperty("kiln.dump");
        if (d == null || d.isBlank()) {
            d = System.getenv("KILN_DUMP");
        }
        return d == null || d.isBlank() ? null : Path.of(d);
    }

    /** A fresh numbered folder for one compile of {@code label}, or {@link #NONE} when off. */
    public static Dump forCompile(String label) {
        Path root = root();
        return root == null ? NONE : into(root, label);
    }

    /** A fresh numbered folder under {@code root} (used by commands that dump on request). */
    public static Dump into(Path root, String label) {
        String name = String.format("%04d-%s", SEQUENCE.incrementAndGet(), sanitize(label));
        Path d = root.resolve(name);
        try {
            Files.createDirectories(d);
        } catch (IOException e) {
            throw new UncheckedIOException("kiln: cannot create dump folder " + d, e);
        }
        return new Dump(d);
    }

    public boolean enabled() {
        return dir != null;
    }

    /** The folder of this compile, or null when off. */
    public Path dir() {
        return dir;
    }

    /** Writes {@code text()} to {@code fileName} (computed only when dumping is on). */
    public void write(String fileName, Supplier<String> text) {
        if (dir == null) {
            return;
        }
        Path p = dir.resolve(fileName);
        try {
            Files.createDirectories(p.getParent());
            Files.writeString(p, text.get());
        } catch (IOException e) {
            throw new UncheckedIOException("kiln: cannot write dump file " + p, e);
        }
    }

    static String sanitize(String label) {
        String s = label.replaceAll("[^A-Za-z0-9._-]+", "_").replaceAll("^_+|_+$", "");
        return s.length() > 60 ? s.substring(0, 60) : s;
    }
}
