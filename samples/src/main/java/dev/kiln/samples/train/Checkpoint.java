package dev.kiln.samples.train;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.io.Npy;
import dev.kiln.privacy.TrainState;
import dev.kiln.samples.golden.Json;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.tree.PyTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * Training checkpoints: a folder per epoch holding the parameters and the optimiser state as
 * NumPy {@code .npy} files and a {@code manifest.json} (see {@link CheckpointMeta} and
 * docs/dpsgd.md for the layout).
 *
 * <p>Crash safety: an epoch's folder is written under a temporary name and renamed when complete;
 * then the one-line file {@code latest} is replaced atomically to name it; then older epoch
 * folders but the previous one are deleted. An interruption at any point leaves {@code latest}
 * naming a complete checkpoint. Every tensor file's CRC-32 is in the manifest, so a damaged
 * checkpoint is reported, never silently loaded.
 */
public final class Checkpoint {
    public static final String FORMAT = "kiln-checkpoint-1";
    static final String LATEST = "latest";
    static final String MANIFEST = "manifest.json";

    private Checkpoint() {
    }

    /** A loaded checkpoint: what it records and the training state. */
    public record Loaded<P, S>(CheckpointMeta meta, TrainState<P, S> state, Path folder) {
    }

    /** Writes the checkpoint of {@code meta.epoch()} under {@code root}; returns its folder. */
    public static Path save(Path root, CheckpointMeta meta, TrainState<?, ?> state, List<String> paramNames) {
        try {
            Files.createDirectories(root);
            String name = String.format("epoch-%04d", meta.epoch());
            Path tmp = root.resolve(name + ".tmp-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
            Files.createDirectories(tmp);
            List<Map<String, Object>> tensors = new ArrayList<>();
            List<Entry> entries = entries(state, paramNames);
            for (Entry e : entries) {
                Path file = tmp.resolve(e.file());
                Files.createDirectories(file.getParent());
                Npy.write(file, e.tensor().data());
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("name", e.name());
                t.put("file", e.file());
                t.put("type", e.tensor().type().toString());
                t.put("crc32", crc(Files.readAllBytes(file)));
                tensors.add(t);
            }
            writeAtomically(tmp.resolve(MANIFEST), JsonWriter.write(meta.toJson(FORMAT, tensors)));
            Path dir = root.resolve(name);
            if (Files.exists(dir)) {
                deleteTree(dir);
            }
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            writeAtomically(root.resolve(LATEST), name + "\n");
            pruneOlderThanPrevious(root, name);
            return dir;
        } catch (IOException e) {
            throw new KilnException("checkpoint", "cannot write a checkpoint under " + root + ": " + e.getMessage());
        }
    }

    /** The folder {@code root/latest} names, or empty when {@code root} holds no checkpoint yet. */
    public static Optional<Path> latest(Path root) {
        Path pointer = root.resolve(LATEST);
        if (!Files.exists(pointer)) {
            return Optional.empty();
        }
        String name;
        try {
            name = Files.readString(pointer, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw corrupt(pointer, "cannot read: " + e.getMessage());
        }
        Path dir = root.resolve(name);
        if (name.isEmpty() || name.contains("/") || !Files.isDirectory(dir)) {
            throw corrupt(pointer, "names '" + name + "', which is not a checkpoint folder in " + root);
        }
        return Optional.of(dir);
    }

    /**
     * Loads the checkpoint in {@code folder} into the structure of {@code template} (freshly
     * initialised parameters and optimiser state: every tensor must match its dtype and shape).
     */
    public static <P, S> Loaded<P, S> load(Path folder, TrainState<P, S> template, List<String> paramNames) {
        Path manifestFile = folder.resolve(MANIFEST);
        Map<?, ?> json;
        try {
            json = (Map<?, ?>) Json.parse(Files.readString(manifestFile, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw corrupt(manifestFile, "cannot read: " + e.getMessage());
        } catch (RuntimeException e) {
            throw corrupt(manifestFile, "not a valid manifest (" + e.getMessage() + ")");
        }
        if (!FORMAT.equals(json.get("format"))) {
            throw corrupt(manifestFile, "format is " + json.get("format") + ", expected " + FORMAT);
        }
        CheckpointMeta meta = CheckpointMeta.fromJson(json, manifestFile);
        Map<String, Map<?, ?>> byName = new LinkedHashMap<>();
        if (!(json.get("tensors") instanceof List<?> list)) {
            throw corrupt(manifestFile, "has no tensor list");
        }
        for (Object o : list) {
            if (o instanceof Map<?, ?> m && m.get("name") instanceof String n) {
                byName.put(n, m);
            }
        }
        List<Entry> wanted = entries(template, paramNames);
        List<Tensor> leaves = new ArrayList<>(wanted.size());
        for (Entry e : wanted) {
            leaves.add(readTensor(folder, e, byName.get(e.name()), manifestFile));
        }
        @SuppressWarnings("unchecked")
        TrainState<P, S> state = (TrainState<P, S>) PyTree.flatten(template).def().unflatten(leaves);
        return new Loaded<>(meta, state, folder);
    }

    // ---------------------------------------------------------------- tensors

    /** One tensor of the state: its name in the manifest, its file, and (when saving) its value. */
    private record Entry(String name, String file, Tensor tensor) {
    }

    /** Parameters as {@code params/<PyTorch name>}, optimiser state leaves as {@code optimizer/<path>}. */
    private static List<Entry> entries(TrainState<?, ?> state, List<String> paramNames) {
        List<Tensor> params = PyTree.leaves(state.params());
        if (params.size() != paramNames.size()) {
            throw new KilnException("checkpoint", "the model has " + params.size() + " parameter tensors but "
                    + paramNames.size() + " names");
        }
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            String n = "params/" + paramNames.get(i);
            out.add(new Entry(n, safe(n) + ".npy", params.get(i)));
        }
        PyTree.Flat opt = PyTree.flatten(state.optState());
        List<String> paths = opt.def().leafPaths("");
        List<Tensor> leaves = opt.tensors();
        for (int i = 0; i < leaves.size(); i++) {
            String p = paths.get(i).startsWith(".") ? paths.get(i).substring(1) : paths.get(i);
            String n = "optimizer/" + p;
            out.add(new Entry(n, safe(n) + ".npy", leaves.get(i)));
        }
        return out;
    }

    private static Tensor readTensor(Path folder, Entry e, Map<?, ?> recorded, Path manifestFile) {
        if (recorded == null) {
            throw corrupt(manifestFile, "lists no tensor '" + e.name() + "' (is it a checkpoint of this model and optimiser?)");
        }
        Path file = folder.resolve(String.valueOf(recorded.get("file")));
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException ex) {
            throw corrupt(file, "missing or unreadable (" + ex.getMessage() + ")");
        }
        if (!crc(bytes).equals(recorded.get("crc32"))) {
            throw corrupt(file, "its CRC-32 " + crc(bytes) + " does not match the manifest's " + recorded.get("crc32")
                    + ": the file was damaged or changed");
        }
        ArrayData a = Npy.read(file);
        if (!a.type().equals(e.tensor().type())) {
            throw corrupt(file, "holds " + a.type() + " but " + e.name() + " is " + e.tensor().type()
                    + " (was the checkpoint written for another model?)");
        }
        return Tensor.of(a);
    }

    // ---------------------------------------------------------------- files

    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9._/-]", "_");
    }

    static String crc(byte[] bytes) {
        CRC32 c = new CRC32();
        c.update(bytes);
        return String.format("%08x", c.getValue());
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp-" + System.nanoTime());
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Deletes every epoch folder (and stale temporary folder) but {@code current} and the one before it. */
    private static void pruneOlderThanPrevious(Path root, String current) throws IOException {
        List<Path> epochs;
        try (Stream<Path> s = Files.list(root)) {
            epochs = s.filter(p -> p.getFileName().toString().startsWith("epoch-") && Files.isDirectory(p))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        }
        List<Path> complete = epochs.stream().filter(p -> !p.getFileName().toString().contains(".tmp-")).toList();
        int keepFrom = complete.indexOf(root.resolve(current)) - 1;
        for (Path p : epochs) {
            boolean stale = p.getFileName().toString().contains(".tmp-");
            int i = complete.indexOf(p);
            if (stale || (i >= 0 && i < keepFrom)) {
                deleteTree(p);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static KilnException corrupt(Path file, String detail) {
        return new KilnException("checkpoint", "corrupt checkpoint: " + file + " " + detail, null,
                "delete the checkpoint folder to start over, or point --checkpoint at another one");
    }
}
