package dev.kiln.bench.step;

import java.util.function.IntToLongFunction;

/**
 * The largest batch size whose memory fits a budget, for memory that grows with the batch (the
 * paper's Table 4). Memory is close to affine in the batch size, so the search first predicts
 * the answer from batches 1 and 2 and checks it and its successor; when the prediction is off
 * it brackets by doubling and bisects. Each probe may cost a trace, so probes are few.
 */
public final class MaxBatch {
    private MaxBatch() {
    }

    /** The result: the batch size found (0 if even one example does not fit) and the probes made. */
    public record Found(int batch, long bytes, int probes) {
    }

    /** The largest {@code b <= cap} with {@code bytesAt(b) <= budget}, for non-decreasing {@code bytesAt}. */
    public static Found search(IntToLongFunction bytesAt, long budget, int cap) {
        Probe p = new Probe(bytesAt, budget);
        if (!p.fits(1)) {
            return new Found(0, p.last, p.count);
        }
        long b1 = p.bytes(1), b2 = p.bytes(2);
        int lo = 1, hi;
        if (b2 <= budget && b2 > b1) {
            double guess = 2 + (double) (budget - b2) / (b2 - b1);
            int g = (int) Math.max(2, Math.min(cap, Math.floor(guess)));
            if (p.fits(g)) {
                if (g == cap || !p.fits(g + 1)) {
                    return new Found(g, p.bytes(g), p.count);
                }
                lo = g + 1;
            } else {
                hi = g;
                return bisect(p, 2, hi);
            }
        } else if (b2 > budget) {
            return new Found(1, b1, p.count);
        } else {
            lo = 2;
        }
        // The prediction was low (or memory did not grow from 1 to 2): bracket by doubling.
        hi = lo;
        while (hi < cap && p.fits(hi)) {
            lo = hi;
            hi = (int) Math.min(cap, 2L * hi);
        }
        if (hi == cap && p.fits(cap)) {
            return new Found(cap, p.bytes(cap), p.count);
        }
        return bisect(p, lo, hi);
    }

    /** {@code lo} fits, {@code hi} does not. */
    private static Found bisect(Probe p, int lo, int hi) {
        while (hi - lo > 1) {
            int mid = lo + (hi - lo) / 2;
            if (p.fits(mid)) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return new Found(lo, p.bytes(lo), p.count);
    }

    /** Memoised probes, so re-reading a known size costs nothing. */
    private static final class Probe {
        private final IntToLongFunction f;
        private final long budget;
        private final java.util.HashMap<Integer, Long> seen = new java.util.HashMap<>();
        int count;
        long last;

        Probe(IntToLongFunction f, long budget) {
            this.f = f;
            this.budget = budget;
        }

        long bytes(int b) {
            Long v = seen.get(b);
            if (v == null) {
                count++;
                v = f.applyAsLong(b);
                seen.put(b, v);
            }
            last = v;
            return v;
        }

        boolean fits(int b) {
            return bytes(b) <= budget;
        }
    }
}
