package dev.kiln.samples.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.KilnException;
import dev.kiln.samples.models.Cifar10Cnn;
import dev.kiln.samples.models.EmbeddingModel;
import dev.kiln.samples.models.LogReg;
import dev.kiln.samples.models.MnistCnn;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RealDataTest {
    @TempDir
    Path dir;

    // ---------------------------------------------------------------- MNIST

    private static byte[] idxImages(int n, int rows, int cols, int magic) {
        ByteBuffer b = ByteBuffer.allocate(16 + n * rows * cols);
        b.putInt(magic).putInt(n).putInt(rows).putInt(cols);
        for (int i = 0; i < n * rows * cols; i++) {
            b.put((byte) (i * 7 % 256));
        }
        return b.array();
    }

    private static byte[] idxLabels(int... labels) {
        ByteBuffer b = ByteBuffer.allocate(8 + labels.length);
        b.putInt(0x801).putInt(labels.length);
        for (int l : labels) {
            b.put((byte) l);
        }
        return b.array();
    }

    private void writeMnist(byte[] trainImages, byte[] trainLabels) throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte"), trainImages);
        Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), gzip(trainLabels));
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), idxImages(2, 28, 28, 0x803));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), idxLabels(4, 9));
    }

    @Test
    void readsMnistIdxPlainAndGzipped() throws IOException {
        writeMnist(idxImages(3, 28, 28, 0x803), idxLabels(5, 0, 7));
        RealData.Split s = RealData.load(new MnistCnn(), dir);
        assertArrayEquals(new int[] {3, 1, 28, 28}, s.train().x().shape().toArray());
        assertArrayEquals(new int[] {5, 0, 7}, s.train().y().toIntArray());
        assertEquals(2, s.test().size());
        assertEquals((28 * 28 * 7 % 256) / 255f, s.train().x().floatStorage()[28 * 28], 1e-7f, "pixels are byte / 255, row-major");
    }

    @Test
    void mnistWithTheWrongMagicOrCountsIsAClearError() throws IOException {
        writeMnist(idxImages(3, 28, 28, 0x802), idxLabels(5, 0, 7));
        KilnException magic = assertThrows(KilnException.class, () -> RealData.load(new MnistCnn(), dir));
        assertTrue(magic.getMessage().contains("train-images-idx3-ubyte") && magic.getMessage().contains("magic"), magic.getMessage());
        writeMnist(idxImages(3, 28, 28, 0x803), idxLabels(5, 0));
        KilnException count = assertThrows(KilnException.class, () -> RealData.load(new MnistCnn(), dir));
        assertTrue(count.getMessage().contains("2 labels for 3 images"), count.getMessage());
        writeMnist(idxImages(3, 32, 32, 0x803), idxLabels(5, 0, 7));
        KilnException size = assertThrows(KilnException.class, () -> RealData.load(new MnistCnn(), dir));
        assertTrue(size.getMessage().contains("32x32"), size.getMessage());
    }

    @Test
    void missingFilesAreNamed() {
        KilnException e = assertThrows(KilnException.class, () -> RealData.load(new MnistCnn(), dir));
        assertTrue(e.getMessage().contains("missing") && e.getMessage().contains("train-images-idx3-ubyte"), e.getMessage());
        KilnException notDir = assertThrows(KilnException.class, () -> RealData.load(new MnistCnn(), dir.resolve("nope")));
        assertTrue(notDir.getMessage().contains("is not a folder"), notDir.getMessage());
    }

    // ---------------------------------------------------------------- CIFAR-10

    private static byte[] cifarRecords(int... labels) {
        byte[] b = new byte[labels.length * 3073];
        for (int r = 0; r < labels.length; r++) {
            b[r * 3073] = (byte) labels[r];
            for (int i = 1; i < 3073; i++) {
                b[r * 3073 + i] = (byte) ((r + i) % 256);
            }
        }
        return b;
    }

    @Test
    void readsCifarBinaryBatchesFromTheSubfolder() throws IOException {
        Path d = Files.createDirectories(dir.resolve("cifar-10-batches-bin"));
        for (int i = 1; i <= 5; i++) {
            Files.write(d.resolve("data_batch_" + i + ".bin"), cifarRecords(i, 9 - i));
        }
        Files.write(d.resolve("test_batch.bin"), cifarRecords(3));
        RealData.Split s = RealData.load(new Cifar10Cnn(), dir);
        assertArrayEquals(new int[] {10, 3, 32, 32}, s.train().x().shape().toArray());
        assertArrayEquals(new int[] {1, 8, 2, 7, 3, 6, 4, 5, 5, 4}, s.train().y().toIntArray());
        // Record 1 of data_batch_1: pixel byte i (1-based) is (1 + i) % 256; green plane starts at 1024.
        assertEquals(((1 + 1025) % 256) / 255f, s.train().x().floatStorage()[3072 + 1024], 1e-7f);
        assertEquals(1, s.test().size());
    }

    @Test
    void truncatedCifarIsAClearError() throws IOException {
        for (int i = 1; i <= 5; i++) {
            Files.write(dir.resolve("data_batch_" + i + ".bin"), cifarRecords(1));
        }
        Files.write(dir.resolve("test_batch.bin"), java.util.Arrays.copyOf(cifarRecords(1, 2), 5000));
        KilnException e = assertThrows(KilnException.class, () -> RealData.load(new Cifar10Cnn(), dir));
        assertTrue(e.getMessage().contains("test_batch.bin") && e.getMessage().contains("3073"), e.getMessage());
    }

    // ---------------------------------------------------------------- Adult

    private static String adultRow(int label, double base) {
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < 104; j++) {
            sb.append(base + j).append(',');
        }
        return sb.append(label).append('\n').toString();
    }

    @Test
    void readsAdultCsvWithAndWithoutHeader() throws IOException {
        StringBuilder header = new StringBuilder();
        for (int j = 0; j < 104; j++) {
            header.append("f").append(j).append(',');
        }
        Files.writeString(dir.resolve("train.csv"), header + "label\n" + adultRow(1, 0.5) + "\n" + adultRow(0, 2));
        Files.writeString(dir.resolve("test.csv"), adultRow(0, 1));
        RealData.Split s = RealData.load(new LogReg(), dir);
        assertArrayEquals(new int[] {2, 104}, s.train().x().shape().toArray());
        assertArrayEquals(new int[] {1, 0}, s.train().y().toIntArray());
        assertEquals(2.5f, s.train().x().floatStorage()[2]);
        assertEquals(105f, s.train().x().floatStorage()[104 + 103]);
    }

    @Test
    void badAdultRowsNameTheLine() throws IOException {
        Files.writeString(dir.resolve("test.csv"), adultRow(0, 1));
        Files.writeString(dir.resolve("train.csv"), adultRow(1, 0) + "1,2,3\n");
        KilnException cols = assertThrows(KilnException.class, () -> RealData.load(new LogReg(), dir));
        assertTrue(cols.getMessage().contains("line 2 has 3 columns, expected 105"), cols.getMessage());
        Files.writeString(dir.resolve("train.csv"), adultRow(2, 0));
        KilnException label = assertThrows(KilnException.class, () -> RealData.load(new LogReg(), dir));
        assertTrue(label.getMessage().contains("must be 0 or 1"), label.getMessage());
        Files.writeString(dir.resolve("train.csv"), adultRow(1, 0).replaceFirst("0\\.0", "abc"));
        KilnException num = assertThrows(KilnException.class, () -> RealData.load(new LogReg(), dir));
        assertTrue(num.getMessage().contains("line 1, column 1: 'abc' is not a number"), num.getMessage());
    }

    // ---------------------------------------------------------------- IMDb

    @Test
    void imdbReviewsArePaddedAtTheFrontAndKeepTheirLastTokens() throws IOException {
        Files.writeString(dir.resolve("train.txt"), "1 5 6 7\n0\t1 2 3 4 5 6 7 8 9\n");
        Files.writeString(dir.resolve("test.txt"), "0 9\n");
        RealData.Split s = RealData.load(new EmbeddingModel(20, 6), dir);
        assertArrayEquals(new int[] {0, 0, 0, 5, 6, 7, 4, 5, 6, 7, 8, 9}, s.train().x().toIntArray());
        assertArrayEquals(new int[] {1, 0}, s.train().y().toIntArray());
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 9}, s.test().x().toIntArray());
    }

    @Test
    void imdbTokenOutsideTheVocabularyIsAClearError() throws IOException {
        Files.writeString(dir.resolve("train.txt"), "1 5 6 7\n1 3 25\n");
        Files.writeString(dir.resolve("test.txt"), "0 9\n");
        KilnException e = assertThrows(KilnException.class, () -> RealData.load(new EmbeddingModel(20, 6), dir));
        assertTrue(e.getMessage().contains("train.txt: line 2: token id 25 is outside the vocabulary [0, 20)"), e.getMessage());
        Files.writeString(dir.resolve("train.txt"), "positive 5 6 7\n");
        KilnException l = assertThrows(KilnException.class, () -> RealData.load(new EmbeddingModel(20, 6), dir));
        assertTrue(l.getMessage().contains("label 'positive' is not an integer"), l.getMessage());
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (OutputStream o = new GZIPOutputStream(bo)) {
            o.write(data);
        }
        return bo.toByteArray();
    }
}
