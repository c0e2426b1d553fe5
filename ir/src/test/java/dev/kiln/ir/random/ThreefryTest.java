package dev.kiln.ir.random;

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

    @Test
    void neighbouringCountersGiveUnrelatedBits() {
        long a = Threefry.block(1, 2, 0, 0), b = Threefry.block(1, 2, 1, 0);
        assertNotEquals(a, b);
        // About half of the 64 bits flip between neighbouring counters.
        int flipped = Long.bitCount(a ^ b);
        assertEquals(32, flipped, 16);
    }
}
