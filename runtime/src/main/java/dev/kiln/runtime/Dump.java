package dev.kiln.runtime;

import dev.kiln.ir.KilnException;
import dev.kiln.ir.buffers.CompiledPlan;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The dump switch: with {@code KILN_DUMP=dir} (or {@code -Dkiln.dump=dir}) every compile writes
 * numbered files into {@code dir/NNNN-label/} ({@code NNNN} counts compiles, the label is the
 * jitted function's, e.g. {@code 0003-jit_Model.java_42}): the runtime writes
 * {@code 01-traced.kir} (the traced graph as {@link GraphText#print} text, which parses back), and
 * the backend adds its stages: the optimised IR, the kernel plan, the buffer plan, the generated
 * kernels and a Graphviz view. Stages name their files with a two-digit prefix in pipeline order so
 * {@code ls} shows them in order. The switch is read at every compile, so it can be turned on and
 * off while a program runs.
 */
public final class Dump {
    /** Dumping off. */
    public static final Dump NONE = new Dump(null);
    /** The last number handed out in this JVM (guarded by the class lock). */
    private static int sequence;

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

    /**
     * A fresh numbered folder under {@code root} (used by commands that dump on request). Numbers
     * continue after the highest one already in {@code root}, so a second run into the same folder
     * adds folders rather than mixing its files into the first run's.
     */
    public static Dump into(Path root, String label) {
        synchronized (Dump.class) {
            try {
                Files.createDirectories(root);
                int next = Math.max(sequence, highestNumberIn(root)) + 1;
                while (true) {
                    Path d = root.resolve(String.format("%04d-%s", next, sanitize(label)));
                    try {
                        Files.createDirectory(d);
                        sequence = next;
                        return new Dump(d);
                    } catch (FileAlreadyExistsException taken) {
                        next++;
                    }
                }
            } catch (IOException e) {
                throw new KilnException("dump", "cannot create a dump folder in " + root + ": " + e.getMessage(),
                        null, "point KILN_DUMP / -Dkiln.dump at a writable folder, or unset it", e);
            }
        }
    }

    private static int highestNumberIn(Path root) throws IOException {
        try (Stream<Path> entries = Files.list(root)) {
            return entries.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("\\d{4,}-.*"))
                    .mapToInt(n -> Integer.parseInt(n.substring(0, n.indexOf('-'))))
                    .max().orElse(0);
        }
    }

    public boolean enabled() {
        return dir != null;
    }

    /** The folder of this compile, or null when off. */
    public Path dir() {
        return dir;
    }

    /**
     * Writes the stages every backend shares: the optimised IR, the fusion plan, the buffer plan,
     * the kernel program and the fused graph as Graphviz, each under the compile's {@code label}.
     */
    public void writePlan(CompiledPlan plan, String label) {
        write("02-optimized.kir", () -> GraphText.print(plan.optimized(), "optimized " + label));
        write("03-fusion.txt", () -> "# stage: fusion " + label + "\n" + plan.fusion().text());
        write("04-buffers.txt", () -> "# stage: buffers " + label + "\n" + plan.buffers().text());
        write("05-kernels.txt", () -> "# stage: kernels " + label + "\n" + plan.program().text());
        write("fused.dot", () -> plan.fusion().dot());
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
            throw new KilnException("dump", "cannot write dump file " + p + ": " + e.getMessage(), null,
                    "point KILN_DUMP / -Dkiln.dump at a writable folder, or unset it", e);
        }
    }

    static String sanitize(String label) {
        String s = label.replaceAll("[^A-Za-z0-9._-]+", "_").replaceAll("^_+|_+$", "");
        return s.length() > 60 ? s.substring(0, 60) : s;
    }
}
