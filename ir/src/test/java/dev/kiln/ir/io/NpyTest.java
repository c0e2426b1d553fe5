package dev.kiln.ir.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    private static final Path GOLDEN = Path.of("..", "testdata", "golden");

    @Test
    void roundTripsEveryDtype(@TempDir Path dir) {
        ArrayData[] arrays = {
            ArrayData.of(new float[] {1.5f, -2f, Float.NaN, 3e-8f, 0f, 7f}, 2, 3),
            ArrayData.of(new double[] {Math.PI, -1e300}, 2),
            ArrayData.of(new int[] {1, -2, Integer.MAX_VALUE}, 3, 1),
            ArrayData.of(new boolean[] {true, false, true, true}, 2, 2),
            ArrayData.scalar(4.25, DType.F32),
        };
        for (int i = 0; i < arrays.length; i++) {
            Path f = dir.resolve("a" + i + ".npy");
            Npy.write(f, arrays[i]);
            ArrayData back = Npy.read(f);
            assertTrue(arrays[i].contentEquals(back), "round trip of " + arrays[i] + " gave " + back);
        }
    }

    @Test
    void headerIsPaddedToSixtyFourBytes(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("x.npy");
        Npy.write(f, ArrayData.of(new float[] {1, 2, 3}, 3));
        byte[] b = Files.readAllBytes(f);
        int headerLen = (b[8] & 0xff) | (b[9] & 0xff) << 8;
        assertEquals(0, (10 + headerLen) % 64);
        assertEquals(10 + headerLen + 12, b.length);
    }

    @Test
    void readsGoldenFilesWrittenByNumpy() {
        Path x = GOLDEN.resolve("mnist_cnn").resolve("x.npy");
        if (!Files.exists(x)) { // testdata/ is part of the repository
            throw new AssertionError("golden data missing at " + x.toAbsolutePath());
        }
        ArrayData a = Npy.read(x);
        assertEquals(DType.F32, a.dtype());
        assertEquals(Shape.of(8, 1, 28, 28), a.shape());
        float[] v = a.floatStorage();
        assertTrue(Arrays.stream(toDoubles(v)).allMatch(d -> d >= 0 && d < 1), "inputs are uniform [0,1)");
        ArrayData y = Npy.read(GOLDEN.resolve("mnist_cnn").resolve("y.npy"));
        assertEquals(DType.I32, y.dtype());
        assertArrayEquals(new int[] {8}, y.shape().toArray());
    }

    @Test
    void truncatedFileIsAClearError(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.npy");
        Npy.write(f, ArrayData.of(new float[] {1, 2, 3, 4}, 4));
        byte[] b = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(b, b.length - 3));
        KilnException e = assertThrows(KilnException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertTrue(e.getMessage().contains("t.npy"), e.getMessage());
    }

    @Test
    void garbageIsAClearError(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("g.npy");
        Files.writeString(f, "not numpy at all");
        KilnException e = assertThrows(KilnException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().contains("magic"), e.getMessage());
    }

    private static double[] toDoubles(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
