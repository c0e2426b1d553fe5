package dev.kiln.vmap;

import dev.kiln.ir.DType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** Small random choices for the case generators. */
final class Rand {
    private Rand() {
    }

    static int between(Random r, int lo, int hi) {
        return lo + r.nextInt(hi - lo + 1);
    }

    static int[] dims(Random r, int rank, int max) {
        int[] d = new int[rank];
        for (int i = 0; i < rank; i++) {
            d[i] = between(r, 1, max);
        }
        return d;
    }

    @SafeVarargs
    static <T> T pick(Random r, T... options) {
        return options[r.nextInt(options.length)];
    }

    static DType pick(Random r, List<DType> options) {
        return options.get(r.nextInt(options.size()));
    }

    /** A random permutation of {@code 0..n-1}. */
    static int[] permutation(Random r, int n) {
        List<Integer> p = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            p.add(i);
        }
        Collections.shuffle(p, r);
        return p.stream().mapToInt(Integer::intValue).toArray();
    }

    /** A random sorted subset of {@code 0..n-1}. */
    static int[] subset(Random r, int n) {
        return java.util.stream.IntStream.range(0, n).filter(i -> r.nextBoolean()).toArray();
    }
}
