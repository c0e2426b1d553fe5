package dev.kiln.codegen.jvm.library;

import dev.kiln.ir.random.Threefry;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Threefry-2x32 over a run of consecutive blocks, one block per vector lane. The noise of a DP-SGD
 * step draws a word per parameter from a single key, so the scalar loop (20 dependent rounds per
 * block) would take longer than the rest of the step; lanes give the same bits as
 * {@link Threefry#bits} many at a time. Only loaded when the Vector API is present.
 */
final class ThreefryLanes {
    private static final VectorSpecies<Integer> S = IntVector.SPECIES_PREFERRED;
    private static final int PARITY = 0x1BD11BDA;
    private static final int[] ROTATIONS_EVEN = {13, 15, 26, 6};
    private static final int[] ROTATIONS_ODD = {17, 29, 16, 24};

    private ThreefryLanes() {
    }

    /**
     * Blocks {@code [from, to)} of the {@code n}-word draw of key {@code (k0, k1)}, exactly as
     * {@link Threefry#bits}: lane {@code l} encrypts counter {@code (j + l, m + j + l)} and stores its
     * two words at {@code j + l} and {@code m + j + l}, so both stores are contiguous runs. The last
     * block of an odd draw (counter {@code (m - 1, 0)}, one word) is left to the scalar tail.
     */
    static void bits(int k0, int k1, int n, int[] out, int base, int from, int to) {
        int m = Threefry.blocks(n), full = Math.min(to, n - m);
        int k2 = k0 ^ k1 ^ PARITY;
        int[] ks = {k0, k1, k2};
        IntVector lanes = IntVector.zero(S).addIndex(1);
        int j = from, w = S.length();
        // Two vectors of blocks at a time: each round depends on the one before, so one vector
        // alone waits on that latency; two independent chains keep the integer units busy. Near
        // the end of the run the second vector starts at full - w, overlapping the first: the
        // shared blocks get the same words, stored twice.
        while (j <= full - w) {
            int jb = Math.min(j + w, full - w);
            IntVector a0 = lanes.add(j + k0), a1 = lanes.add(m + j + k1);
            IntVector b0 = lanes.add(jb + k0), b1 = lanes.add(m + jb + k1);
            for (int group = 0; group < 5; group++) {
                int[] rotations = group % 2 == 0 ? ROTATIONS_EVEN : ROTATIONS_ODD;
                for (int r : rotations) {
                    a0 = a0.add(a1);
                    b0 = b0.add(b1);
                    a1 = a1.lanewise(VectorOperators.ROL, r).lanewise(VectorOperators.XOR, a0);
                    b1 = b1.lanewise(VectorOperators.ROL, r).lanewise(VectorOperators.XOR, b0);
                }
                int i0 = ks[(group + 1) % 3], i1 = ks[(group + 2) % 3] + group + 1;
                a0 = a0.add(i0);
                b0 = b0.add(i0);
                a1 = a1.add(i1);
                b1 = b1.add(i1);
            }
            a0.intoArray(out, base + j);
            b0.intoArray(out, base + jb);
            a1.intoArray(out, base + m + j);
            b1.intoArray(out, base + m + jb);
            j = jb + w;
        }
        Threefry.bits(k0, k1, n, out, base, j, to);
    }
}
