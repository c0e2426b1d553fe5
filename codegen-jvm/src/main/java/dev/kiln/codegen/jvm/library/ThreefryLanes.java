package dev.kiln.codegen.jvm.library;

import dev.kiln.ir.random.Threefry;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Threefry-2x32 over a run of consecutive counters, one counter per vector lane. The noise of a
 * DP-SGD step draws one block per parameter from a single key, so the scalar loop (20 dependent
 * rounds per block) would take longer than the rest of the step; lanes give the same bits as
 * {@link Threefry#block} many at a time. Only loaded when the Vector API is present.
 */
final class ThreefryLanes {
    private static final VectorSpecies<Integer> S = IntVector.SPECIES_PREFERRED;
    private static final int PARITY = 0x1BD11BDA;
    private static final int[] ROTATIONS_EVEN = {13, 15, 26, 6};
    private static final int[] ROTATIONS_ODD = {17, 29, 16, 24};

    private ThreefryLanes() {
    }

    /**
     * Writes {@code word0(threefry((k0, k1), (j, 0)))} to {@code out[base + j]} for {@code j} in
     * {@code [from, to)}.
     */
    static void word0(int k0, int k1, int[] out, int base, int from, int to) {
        int k2 = k0 ^ k1 ^ PARITY;
        int[] ks = {k0, k1, k2};
        IntVector lanes = IntVector.zero(S).addIndex(1);
        int j = from;
        for (; j <= to - S.length(); j += S.length()) {
            IntVector x0 = lanes.add(j + k0);
            IntVector x1 = IntVector.broadcast(S, k1);
            for (int group = 0; group < 5; group++) {
                int[] rotations = group % 2 == 0 ? ROTATIONS_EVEN : ROTATIONS_ODD;
                for (int r : rotations) {
                    x0 = x0.add(x1);
                    x1 = x1.lanewise(VectorOperators.ROL, r).lanewise(VectorOperators.XOR, x0);
                }
                x0 = x0.add(ks[(group + 1) % 3]);
                x1 = x1.add(ks[(group + 2) % 3] + group + 1);
            }
            x0.intoArray(out, base + j);
        }
        Threefry.bits(k0, k1, out, base, j, to);
    }
}
