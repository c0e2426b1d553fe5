package dev.kiln.tracer;

import dev.kiln.ir.DType;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.Shape;
import dev.kiln.ir.SourceLocation;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.RandomBits;
import dev.kiln.ir.prim.RandomSplit;
import java.util.ArrayList;
import java.util.List;

/**
 * Random numbers with explicit keys, as in JAX: a key is an {@code i32[2]} tensor, every sampler
 * is a pure function of its key (the same key gives the same numbers), and fresh keys come from
 * {@link #split}. There is no hidden state, so sampling works unchanged under jit, grad and vmap:
 * these functions only bind the counter-based {@code random_bits} / {@code random_split}
 * primitives (Threefry-2x32) and elementwise arithmetic.
 *
 * <p>Use each key once: sample with one half of a split and keep splitting the other half.
 * A key array {@code i32[K..., 2]} (e.g. from {@code split(key, n)}) may stand in for a key; its
 * leading dimensions then prefix the sample shape, one independent stream per key.
 */
public final class Random {
    private static final double TWO_PI = 2 * Math.PI;

    private Random() {
    }

    /** The key for {@code seed}: {@code [seed >>> 32, seed & 0xffffffff]}, as JAX's {@code PRNGKey}. */
    public static Tensor key(long seed) {
        return Tensor.of(new int[] {(int) (seed >>> 32), (int) seed});
    }

    /** Two new keys, as {@code i32[2, 2]}; take them apart with {@link #keyAt}. */
    public static Tensor split(Tensor key) {
        return split(key, 2);
    }

    /** {@code n} new keys, as {@code i32[n, 2]}: key {@code j} is {@code threefry(key, (j, 1))}. */
    public static Tensor split(Tensor key, int n) {
        checkKey("Random.split", key);
        if (n < 1) {
            throw new KilnException("Random.split", "needs n >= 1, got " + n, SourceLocation.ofCaller(), null);
        }
        return Dispatch.bind(new RandomSplit(n), key);
    }

    /** Key {@code i} of a split key array {@code i32[..., n, 2]}. */
    public static Tensor keyAt(Tensor keys, int i) {
        checkKey("Random.keyAt", keys);
        if (keys.rank() < 2) {
            throw new KilnException("Random.keyAt", "needs a split key array i32[n, 2], got " + keys.type(),
                    SourceLocation.ofCaller(), "split a key first: Random.split(key, n)");
        }
        return keys.index(-2, i);
    }

    /** {@code n} new keys from {@code key}, as a list of {@code i32[2]} keys. */
    public static List<Tensor> splitList(Tensor key, int n) {
        Tensor keys = split(key, n);
        List<Tensor> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(keys.index(-2, i));
        }
        return out;
    }

    /** Uniformly random 32-bit words, as i32 (all bit patterns equally likely). */
    public static Tensor bits(Tensor key, int... shape) {
        checkKey("Random.bits", key);
        return Dispatch.bind(new RandomBits(Shape.of(shape)), key);
    }

    /** f32 samples uniform on {@code [0, 1)}. */
    public static Tensor uniform(Tensor key, int... shape) {
        return uniform(key, shape, 0, 1, DType.F32);
    }

    /** f32 samples uniform on {@code [lo, hi)}. */
    public static Tensor uniform(Tensor key, int[] shape, double lo, double hi) {
        return uniform(key, shape, lo, hi, DType.F32);
    }

    /**
     * Samples uniform on {@code [lo, hi)}. An f32 sample uses one random word: its top 24 bits, so
     * the values are the multiples of 2^-24 in {@code [0, 1)}, each equally likely, then scaled. An
     * f64 sample uses two words for 53 bits (the multiples of 2^-53). The result is clamped below
     * {@code hi}, which rounding of {@code lo + (hi - lo) * u} could otherwise reach.
     */
    public static Tensor uniform(Tensor key, int[] shape, double lo, double hi, DType dtype) {
        checkKey("Random.uniform", key);
        if (!dtype.isFloating()) {
            throw new KilnException("Random.uniform", "dtype must be f32 or f64, got " + dtype, SourceLocation.ofCaller(),
                    "for random integers use Random.bits");
        }
        if (!(lo < hi) || Double.isInfinite(lo) || Double.isInfinite(hi)) {
            throw new KilnException("Random.uniform", "needs finite lo < hi, got [" + lo + ", " + hi + ")",
                    SourceLocation.ofCaller(), null);
        }
        Tensor u = unitInterval(key, shape, dtype);
        if (lo == 0 && hi == 1) {
            return u;
        }
        double below = dtype == DType.F32 ? Math.nextDown((float) hi) : Math.nextDown(hi);
        return u.mul(hi - lo).add(lo).minimum(below);
    }

    /** f32 samples from the standard normal distribution. */
    public static Tensor normal(Tensor key, int... shape) {
        return normal(key, shape, DType.F32);
    }

    /**
     * Samples from the standard normal distribution. An f32 sample costs one random word and no
     * trigonometry, by JAX's method (not JAX's bits: JAX's uniform keeps 23 bits): the word
     * {@code w} (as a signed int) gives {@code x = ((w >> 7) | 1) * 2^-24}, the odd multiples of
     * 2^-24 in {@code (-1, 1)}, all 2^24 equally likely and symmetric about 0; the sample is
     * {@code sqrt(2) * erfinv(x)}, the normal quantile of {@code (1 + x) / 2}, with erfinv by
     * Giles' single-precision approximation ("Approximating the erfinv function", GPU Computing
     * Gems, 2011): {@code t = -log((1 - x)(1 + x))}, then {@code x} times a degree-8 polynomial in
     * {@code t - 2.5} where {@code t < 5}, else in {@code sqrt(t) - 3} (relative error below
     * 5e-7). So the samples are the normal distribution cut into 2^24 cells of equal probability,
     * each represented by its midpoint quantile: magnitudes from 7.5e-8 to 5.42 (the quantile of
     * 1 - 2^-25); the normal's mass beyond 5.42, 6e-8, sits at ±5.42.
     *
     * <p>An f64 sample uses the Box-Muller transform on two f64 uniforms {@code u1} in
     * {@code (0, 1]} and {@code u2} in {@code [0, 1)} drawn as in {@link #uniform} (four words):
     * {@code sqrt(-2 ln u1) * cos(2 pi u2)}, the words of {@code u1} first; its tails are exact
     * out to 8.6 standard deviations.
     */
    public static Tensor normal(Tensor key, int[] shape, DType dtype) {
        checkKey("Random.normal", key);
        if (!dtype.isFloating()) {
            throw new KilnException("Random.normal", "dtype must be f32 or f64, got " + dtype, SourceLocation.ofCaller(), null);
        }
        if (dtype == DType.F32) {
            return NormalF32.ofWords(bits(key, shape));
        }
        // The pair axis leads the sample axes (after a key array's own axes), so each half is a
        // contiguous run of samples that a fused kernel reads with unit stride, in vector lanes.
        int pair = key.rank() - 1;
        Tensor u = unitInterval(key, withLeading(2, shape), dtype);
        Tensor u1 = u.index(pair, 0).rsub(1.0);
        Tensor u2 = u.index(pair, 1);
        return u1.log().mul(-2.0).sqrt().mul(u2.mul(TWO_PI).cos());
    }

    /** Bool samples that are true with probability {@code p}. */
    public static Tensor bernoulli(Tensor key, double p, int... shape) {
        checkKey("Random.bernoulli", key);
        if (!(p >= 0 && p <= 1)) {
            throw new KilnException("Random.bernoulli", "probability must be in [0, 1], got " + p,
                    SourceLocation.ofCaller(), null);
        }
        return uniform(key, shape).lt(p);
    }

    /** Bool samples, true with probability {@code p} (broadcast against {@code shape}). */
    public static Tensor bernoulli(Tensor key, Tensor p, int... shape) {
        checkKey("Random.bernoulli", key);
        return uniform(key, shape, 0, 1, p.dtype() == DType.F64 ? DType.F64 : DType.F32).lt(p);
    }

    // ---------------------------------------------------------------- helpers

    /** Multiples of 2^-24 (f32, one word each) or 2^-53 (f64, two words each) in {@code [0, 1)}. */
    private static Tensor unitInterval(Tensor key, int[] shape, DType dtype) {
        if (dtype == DType.F32) {
            Tensor top24 = shiftRight(bits(key, shape), 8);
            return top24.astype(DType.F32).mul(0x1p-24);
        }
        int pair = key.rank() - 1;
        Tensor words = bits(key, withLeading(2, shape));
        Tensor hi = shiftRight(words.index(pair, 0), 5).astype(DType.F64);
        Tensor lo = shiftRight(words.index(pair, 1), 6).astype(DType.F64);
        return hi.mul(0x1p26).add(lo).mul(0x1p-53);
    }

    private static Tensor shiftRight(Tensor words, int n) {
        return Dispatch.bind(new Binary(BinaryOp.SHIFT_RIGHT_LOGICAL), words, Tensor.scalar(n, DType.I32));
    }

    private static int[] withLeading(int n, int[] shape) {
        int[] s = new int[shape.length + 1];
        s[0] = n;
        System.arraycopy(shape, 0, s, 1, shape.length);
        return s;
    }

    private static void checkKey(String op, Tensor key) {
        if (key.dtype() != DType.I32 || key.rank() < 1 || key.dim(-1) != 2) {
            throw new KilnException(op, "a key must be i32[2] (or a key array i32[..., 2]), got " + key.type(),
                    SourceLocation.ofCaller(), "make keys with Random.key(seed) and new ones with Random.split(key)");
        }
    }
}
