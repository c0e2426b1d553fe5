package dev.kiln.samples.data;

import dev.kiln.ir.ArrayData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CIFAR-10's "binary version": {@code data_batch_1.bin} .. {@code data_batch_5.bin} (training) and
 * {@code test_batch.bin}, in the folder or in its {@code cifar-10-batches-bin} subfolder. Each
 * record is 3,073 bytes: the label (0..9), then 1,024 red, 1,024 green and 1,024 blue pixel bytes
 * in row-major order. Images become f32 {@code [N, 3, 32, 32]} scaled to [0, 1] (byte / 255).
 */
public final class Cifar10Binary {
    private static final int RECORD = 1 + 3 * 32 * 32;

    private Cifar10Binary() {
    }

    public static RealData.Split load(Path dir) {
        Path d = Files.isDirectory(dir.resolve("cifar-10-batches-bin")) ? dir.resolve("cifar-10-batches-bin") : dir;
        List<Path> train = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            train.add(DataFiles.find(d, "data_batch_" + i + ".bin"));
        }
        return new RealData.Split(read(train, "CIFAR-10 train"), read(List.of(DataFiles.find(d, "test_batch.bin")), "CIFAR-10 test"));
    }

    private static Dataset read(List<Path> files, String what) {
        List<byte[]> parts = new ArrayList<>();
        int n = 0;
        for (Path f : files) {
            byte[] b = DataFiles.readBytes(f);
            if (b.length == 0 || b.length % RECORD != 0) {
                throw DataFiles.error(f, b.length + " bytes is not a whole number of " + RECORD
                        + "-byte records (1 label byte + 3x32x32 pixel bytes)", "use the CIFAR-10 binary version, not the "
                        + "Python pickles; see docs/data.md");
            }
            parts.add(b);
            n += b.length / RECORD;
        }
        float[] x = new float[n * (RECORD - 1)];
        int[] y = new int[n];
        int row = 0;
        for (int p = 0; p < parts.size(); p++) {
            byte[] b = parts.get(p);
            for (int r = 0; r < b.length / RECORD; r++, row++) {
                int base = r * RECORD;
                y[row] = b[base] & 0xff;
                if (y[row] > 9) {
                    throw DataFiles.error(files.get(p), "record " + r + " has label " + y[row] + ", not a class 0..9");
                }
                for (int i = 1; i < RECORD; i++) {
                    x[row * (RECORD - 1) + i - 1] = (b[base + i] & 0xff) / 255f;
                }
            }
        }
        return new Dataset(ArrayData.of(x, n, 3, 32, 32), ArrayData.of(y, n), 10, what + " (" + n + " images)");
    }
}
