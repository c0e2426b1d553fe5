package dev.kiln.samples.data;

import dev.kiln.ir.ArrayData;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * MNIST in Yann LeCun's IDX format: {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte},
 * {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte} (each may be gzipped, with
 * {@code .gz} appended). Images become f32 {@code [N, 1, 28, 28]} with pixels scaled to [0, 1]
 * (byte / 255); labels i32 in 0..9.
 */
public final class MnistIdx {
    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;

    private MnistIdx() {
    }

    public static RealData.Split load(Path dir) {
        return new RealData.Split(read(dir, "train", "MNIST train"), read(dir, "t10k", "MNIST test"));
    }

    private static Dataset read(Path dir, String prefix, String what) {
        Path imagesFile = DataFiles.find(dir, prefix + "-images-idx3-ubyte");
        Path labelsFile = DataFiles.find(dir, prefix + "-labels-idx1-ubyte");
        ByteBuffer images = ByteBuffer.wrap(DataFiles.readBytes(imagesFile));
        ByteBuffer labels = ByteBuffer.wrap(DataFiles.readBytes(labelsFile));
        int n = header(images, imagesFile, IMAGES_MAGIC, 3);
        int rows = images.getInt();
        int cols = images.getInt();
        if (rows != 28 || cols != 28) {
            throw DataFiles.error(imagesFile, "images are " + rows + "x" + cols + ", the MNIST CNN needs 28x28");
        }
        int m = header(labels, labelsFile, LABELS_MAGIC, 1);
        if (m != n) {
            throw DataFiles.error(labelsFile, m + " labels for " + n + " images in " + imagesFile.getFileName());
        }
        int pixels = rows * cols;
        if (images.remaining() != (long) n * pixels) {
            throw DataFiles.error(imagesFile, "the header promises " + n + " images of " + pixels + " bytes but "
                    + images.remaining() + " bytes follow");
        }
        if (labels.remaining() != n) {
            throw DataFiles.error(labelsFile, "the header promises " + n + " labels but " + labels.remaining() + " bytes follow");
        }
        float[] x = new float[n * pixels];
        for (int i = 0; i < x.length; i++) {
            x[i] = (images.get() & 0xff) / 255f;
        }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = labels.get() & 0xff;
            if (y[i] > 9) {
                throw DataFiles.error(labelsFile, "label " + y[i] + " of example " + i + " is not a digit 0..9");
            }
        }
        return new Dataset(ArrayData.of(x, n, 1, rows, cols), ArrayData.of(y, n), 10, what + " (" + n + " images)");
    }

    /** Checks the magic number (unsigned bytes, {@code dims} dimensions) and returns the count. */
    private static int header(ByteBuffer b, Path file, int magic, int dims) {
        if (b.remaining() < 4 + 4 * dims) {
            throw DataFiles.error(file, "too short for an IDX header");
        }
        int m = b.getInt();
        if (m != magic) {
            throw DataFiles.error(file, String.format("not an IDX file of unsigned bytes with %d dimension(s): magic 0x%08x, "
                    + "expected 0x%08x", dims, m, magic), "use the uncompressed or .gz files from the MNIST site; see docs/data.md");
        }
        return b.getInt();
    }
}
