package dev.kiln.ir.interp;

import static dev.kiln.ir.interp.TestData.assertExact;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.Shape;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.RandomBits;
import dev.kiln.ir.prim.RandomSplit;
import dev.kiln.ir.random.Threefry;
import org.junit.jupiter.api.Test;

class RandomInterpreterTest {

    @Test
    void randomBitsAreBothThreefryWordsOfEachBlockInTwoHalves() {
        ArrayData key = ArrayData.of(new int[] {0x13198a2e, 0x03707344}, 2);
        ArrayData bits = TestData.run(new RandomBits(Shape.of(3, 4)), key);
        assertEquals(TensorType.of(DType.I32, 3, 4), bits.type());
        for (int j = 0; j < 6; j++) {
            long b = Threefry.block(0x13198a2e, 0x03707344, j, 6 + j);
            assertEquals(Threefry.word0(b), bits.intStorage()[j], "word " + j);
            assertEquals(Threefry.word1(b), bits.intStorage()[6 + j], "word " + (6 + j));
        }
    }

    @Test
    void leadingKeyDimensionsGiveIndependentStreamsEqualToSingleKeyRuns() {
        int[] keys = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        ArrayData batched = TestData.run(new RandomBits(Shape.of(5)), ArrayData.of(keys, 2, 3, 2));
        assertEquals(TensorType.of(DType.I32, 2, 3, 5), batched.type());
        for (int k = 0; k < 6; k++) {
            ArrayData one = TestData.run(new RandomBits(Shape.of(5)), ArrayData.of(new int[] {keys[2 * k], keys[2 * k + 1]}, 2));
            for (int j = 0; j < 5; j++) {
                assertEquals(one.intStorage()[j], batched.intStorage()[k * 5 + j], "key " + k + " word " + j);
            }
        }
        assertNotEquals(batched.intStorage()[0], batched.intStorage()[5]);
    }

    @Test
    void splitKeysAreThreefryOfCounterJAndOne() {
        ArrayData key = ArrayData.of(new int[] {42, 7, -1, 0}, 2, 2);
        ArrayData split = TestData.run(new RandomSplit(3), key);
        assertEquals(TensorType.of(DType.I32, 2, 3, 2), split.type());
        int[] s = split.intStorage();
        for (int k = 0; k < 2; k++) {
            for (int j = 0; j < 3; j++) {
                long b = Threefry.block(key.intStorage()[2 * k], key.intStorage()[2 * k + 1], j, 1);
                assertEquals(Threefry.word0(b), s[(k * 3 + j) * 2]);
                assertEquals(Threefry.word1(b), s[(k * 3 + j) * 2 + 1]);
            }
        }
    }

    @Test
    void randomBitsAreDeterministicAndRoughlyUniform() {
        ArrayData key = ArrayData.of(new int[] {0, 123}, 2);
        ArrayData a = TestData.run(new RandomBits(Shape.of(4096)), key);
        assertExact(a, TestData.run(new RandomBits(Shape.of(4096)), key), "same key, same bits");
        // Each bit position should be set in about half of 4096 words (sd 32): a broken block
        // function or counter layout lands far outside 8 sd.
        for (int bit = 0; bit < 32; bit++) {
            int ones = 0;
            for (int w : a.intStorage()) {
                ones += (w >>> bit) & 1;
            }
            assertEquals(2048, ones, 256, "bit " + bit);
        }
    }

    @Test
    void emptyShapesAndRankZeroBits() {
        ArrayData key = ArrayData.of(new int[] {1, 2}, 2);
        assertEquals(0, TestData.run(new RandomBits(Shape.of(0, 3)), key).size());
        ArrayData one = TestData.run(new RandomBits(Shape.scalar()), key);
        assertEquals(TensorType.scalar(DType.I32), one.type());
        assertEquals(Threefry.word0(Threefry.block(1, 2, 0, 0)), one.intStorage()[0]);
    }
}
