package dev.kiln.ir.random;

/**
 * The Threefry-2x32 block function with 20 rounds (Salmon, Moraes, Dror and Shaw, "Parallel random
 * numbers: as easy as 1, 2, 3", SC 2011), bit for bit the {@code threefry2x32} of Random123 and of
 * JAX. It maps a 64-bit key and a 64-bit counter to 64 pseudo-random bits; Kiln's
 * {@code random_bits} and {@code random_split} primitives are defined in terms of it ({@link #bits}
 * is random_bits' definition, shared by the interpreter and the JVM backend).
 *
 * <p>Words are Java {@code int}s holding unsigned 32-bit values (addition wraps, as it should).
 */
public final class Threefry {
    /** Skein's key-schedule parity constant for 32-bit words. */
    private static final int PARITY = 0x1BD11BDA;
    private static final int[] ROTATIONS_EVEN = {13, 15, 26, 6};
    private static final int[] ROTATIONS_ODD = {17, 29, 16, 24};

    private Threefry() {
    }

    /**
     * Encrypts counter {@code (c0, c1)} under key {@code (k0, k1)}; returns the two output words
     * packed as {@code (x0 << 32) | x1} (read them back with {@link #word0} and {@link #word1}).
     */
    public static long block(int k0, int k1, int c0, int c1) {
        int k2 = k0 ^ k1 ^ PARITY;
        int x0 = c0 + k0;
        int x1 = c1 + k1;
        // Five groups of four rounds, each followed by a key injection that also adds the group
        // number, so identical groups never see identical subkeys.
        for (int group = 0; group < 5; group++) {
            int[] rotations = group % 2 == 0 ? ROTATIONS_EVEN : ROTATIONS_ODD;
            for (int r : rotations) {
                x0 += x1;
                x1 = Integer.rotateLeft(x1, r);
                x1 ^= x0;
            }
            x0 += subkey(group + 1, k0, k1, k2);
            x1 += subkey(group + 2, k0, k1, k2) + group + 1;
        }
        return ((long) x0 << 32) | (x1 & 0xFFFFFFFFL);
    }

    /** The number of blocks behind {@code n} random_bits words: {@code ceil(n / 2)}, two words a block. */
    public static int blocks(int n) {
        return (int) ((n + 1L) >>> 1);
    }

    /**
     * The second counter word of block {@code j} of an {@code n}-word draw: {@code m + j} with
     * {@code m = blocks(n)}, or 0 for the last block of an odd draw, whose second word is unused.
     */
    public static int secondCounter(int n, int j) {
        int m = blocks(n);
        return m + j < n ? m + j : 0;
    }

    /**
     * Blocks {@code [from, to)} of the {@code n} random_bits words of key {@code (k0, k1)}, as JAX
     * lays them out: with {@code m = blocks(n)}, block {@code j} encrypts counter
     * {@code (j, secondCounter(n, j))} and gives word {@code j} (its first output word) and word
     * {@code m + j} (its second, when {@code m + j < n}). Words go to {@code out[base + ...]}.
     */
    public static void bits(int k0, int k1, int n, int[] out, int base, int from, int to) {
        int m = blocks(n);
        for (int j = from; j < to; j++) {
            long block = block(k0, k1, j, secondCounter(n, j));
            out[base + j] = word0(block);
            if (m + j < n) {
                out[base + m + j] = word1(block);
            }
        }
    }

    /** Word {@code i mod 3} of the extended key {@code (k0, k1, k2)}. */
    private static int subkey(int i, int k0, int k1, int k2) {
        return switch (i % 3) {
            case 0 -> k0;
            case 1 -> k1;
            default -> k2;
        };
    }

    /** The first output word of a {@link #block} result. */
    public static int word0(long block) {
        return (int) (block >>> 32);
    }

    /** The second output word of a {@link #block} result. */
    public static int word1(long block) {
        return (int) block;
    }
}
