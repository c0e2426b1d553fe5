package dev.kiln.ir.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class ThreefryTest {

    /** Random123's known-answer vectors for threefry2x32_20, also asserted by JAX's random_test. */
    @Test
    void matchesThePublishedKnownAnswerVectors() {
        assertBlock(0, 0, 0, 0, 0x6b200159, 0x99ba4efe);
        assertBlock(-1, -1, -1, -1, 0x1cb996fc, 0xbb002be7);
        assertBlock(0x13198a2e, 0x03707344, 0x243f6a88, 0x85a308d3, 0xc4923a9c, 0x483df7a0);
    }

    private static void assertBlock(int k0, int k1, int c0, int c1, int x0, int x1) {
        long b = Threefry.block(k0, k1, c0, c1);
        assertEquals(Integer.toHexString(x0), Integer.toHexString(Threefry.word0(b)), "word 0");
        assertEquals(Integer.toHexString(x1), Integer.toHexString(Threefry.word1(b)), "word 1");
    }

    /**
     * JAX's own pinned values (random_test.py testRngRandomBits, before partitionable Threefry):
     * {@code random_bits(PRNGKey(1701), 32, (3,))}. Three words are an odd draw: blocks
     * {@code (0, 2)} and {@code (1, 0)}, words 0 and 1 their first words, word 2 block 0's second.
     */
    @Test
    void bitsMatchJaxPinnedValues() {
        int[] out = new int[3];
        Threefry.bits(0, 1701, 3, out, 0, 0, Threefry.blocks(3));
        assertArrayEquals(new int[] {56197195, (int) 4200222568L, 961309823}, out);
    }

    @Test
    void bitsTakeBothWordsOfEachBlockAsTwoHalves() {
        int n = 10, m = Threefry.blocks(n);
        assertEquals(5, m);
        int[] out = new int[n + 2];
        Threefry.bits(3, 4, n, out, 1, 0, m);
        for (int j = 0; j < m; j++) {
            long b = Threefry.block(3, 4, j, m + j);
            assertEquals(Threefry.word0(b), out[1 + j], "word " + j);
            assertEquals(Threefry.word1(b), out[1 + m + j], "word " + (m + j));
        }
        assertEquals(0, out[0], "nothing before base");
        assertEquals(0, out[n + 1], "nothing past the draw");
    }

    @Test
    void anOddDrawPadsTheLastBlocksSecondCounterWithZero() {
        assertEquals(4, Threefry.blocks(7));
        assertEquals(6, Threefry.secondCounter(7, 2));
        assertEquals(0, Threefry.secondCounter(7, 3));
        int[] out = new int[7];
        Threefry.bits(9, 8, 7, out, 0, 0, 4);
        assertEquals(Threefry.word0(Threefry.block(9, 8, 3, 0)), out[3]);
        assertEquals(Threefry.word1(Threefry.block(9, 8, 2, 6)), out[6]);
        // Blocks may be drawn in any pieces: a split range writes the same words.
        int[] pieces = new int[7];
        Threefry.bits(9, 8, 7, pieces, 0, 0, 1);
        Threefry.bits(9, 8, 7, pieces, 0, 1, 4);
        assertArrayEquals(out, pieces);
    }

    @Test
    void neighbouringCountersGiveUnrelatedBits() {
        long a = Threefry.block(1, 2, 0, 0), b = Threefry.block(1, 2, 1, 0);
        assertNotEquals(a, b);
        // About half of the 64 bits flip between neighbouring counters.
        int flipped = Long.bitCount(a ^ b);
        assertEquals(32, flipped, 16);
    }
}
