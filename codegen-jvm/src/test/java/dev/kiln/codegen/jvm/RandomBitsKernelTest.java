package dev.kiln.codegen.jvm;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Shape;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.RandomBits;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * random_bits runs in vector lanes and across cores on the JVM backend; it must give the
 * interpreter's bits exactly, wherever the lanes, the tail and the chunks fall.
 */
class RandomBitsKernelTest {
    @Test
    void oneKeyDrawingManyWordsGivesTheInterpretersBits() {
        // A noise tensor's shape: one key, enough words to split across cores, a ragged tail.
        check(new int[] {2}, Shape.of(1001, 37, 3));
        // An even draw: every block gives both of its words, none padded.
        check(new int[] {2}, Shape.of(10004, 16));
    }

    @Test
    void manyKeysWithShortRowsGiveTheInterpretersBits() {
        // Rows shorter than a vector and chunks that start and end inside a key's row.
        check(new int[] {4097, 2}, Shape.of(4097, 5));
        check(new int[] {3, 2}, Shape.of(3, 100_003));
        check(new int[] {7, 2}, Shape.of(7, 2, 1));
    }

    private static void check(int[] keyDims, Shape out) {
        G g = new G();
        Var key = g.in(DType.I32, keyDims);
        Graph graph = g.build(g.eq(new RandomBits(out), key));
        int[] keys = new int[keyDims.length == 1 ? 2 : keyDims[0] * 2];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = 0x9E3779B9 * (i + 1);
        }
        JvmCrossCheck.check(graph, List.of(ArrayData.of(keys, keyDims)), "random_bits " + out);
    }
}
