package dev.kiln.samples.data;

import dev.kiln.ir.KilnException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Shared helpers of the dataset readers: finding files (plain or .gz) and clear errors. */
final class DataFiles {
    private DataFiles() {
    }

    static KilnException error(Path file, String detail, String hint) {
        return new KilnException("data", file + ": " + detail, null, hint);
    }

    static KilnException error(Path file, String detail) {
        return error(file, detail, "the expected formats are described in docs/data.md");
    }

    /** {@code dir/name}, or {@code dir/name.gz}; an error naming both when neither exists. */
    static Path find(Path dir, String name) {
        Path plain = dir.resolve(name);
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        Path gz = dir.resolve(name + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        throw new KilnException("data", "missing " + plain + " (or " + gz.getFileName() + ")", null,
                "--data must name a folder holding the dataset's files; see docs/data.md");
    }

    /** The file's bytes, gunzipped when its name ends in .gz. */
    static byte[] readBytes(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            InputStream src = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(in) : in;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            src.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw error(file, "cannot read: " + e.getMessage());
        }
    }

    /** The file as text (UTF-8), gunzipped when its name ends in .gz. */
    static String readText(Path file) {
        return new String(readBytes(file), java.nio.charset.StandardCharsets.UTF_8);
    }
}
