package dev.kiln.privacy;

import dev.kiln.ir.random.Threefry;
import dev.kiln.tracer.Tensor;
import java.security.SecureRandom;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Where a training run's randomness comes from: the noise key of each step and the host-side
 * draws of the samplers (Poisson inclusions, epoch shuffles).
 *
 * <ul>
 *   <li>{@link #seeded}: everything is a function of one 64-bit seed and of the step (or epoch)
 *       number, derived with Threefry-2x32 (the cipher under Kiln's random numbers) with a
 *       separate domain per use. There is no hidden state to save: a run resumed at step t
 *       draws exactly what the uninterrupted run drew. For experiments and tests. Anyone who
 *       knows the seed can recompute the noise, so a seeded run is NOT private against them.
 *   <li>{@link #secure}: every noise key and every sampling draw comes from
 *       {@link SecureRandom} (the operating system's entropy, non-blocking). For production use.
 *       Not reproducible, by design; a resumed run continues with fresh randomness.
 * </ul>
 */
public sealed interface RandomSource {
    /** Draw domains, so the noise keys, Poisson draws and shuffles of one seed never share a stream. */
    int NOISE = 1;
    int POISSON = 2;
    int SHUFFLE = 3;

    static RandomSource seeded(long seed) {
        return new Seeded(seed);
    }

    static RandomSource secure() {
        return new Secure(new SecureRandom());
    }

    /** The {@code i32[2]} noise key of global step {@code step}. */
    Tensor noiseKey(long step);

    /** The host random generator for draw {@code index} of {@code domain} ({@link #POISSON}, {@link #SHUFFLE}). */
    RandomGenerator generator(int domain, long index);

    boolean reproducible();

    /** One line for logs: the seed, or that the randomness is secure. */
    String describe();

    /** Reproducible randomness from a seed. */
    record Seeded(long seed) implements RandomSource {
        @Override
        public Tensor noiseKey(long step) {
            long bits = derive(NOISE, step);
            return Tensor.of(new int[] {(int) (bits >>> 32), (int) bits});
        }

        @Override
        public RandomGenerator generator(int domain, long index) {
            return new SplittableRandom(derive(domain, index));
        }

        @Override
        public boolean reproducible() {
            return true;
        }

        @Override
        public String describe() {
            return "seeded (seed " + seed + "; reproducible, not secret)";
        }

        /** Threefry(Threefry(seed, (domain, 0)), index): a 64-bit value per (seed, domain, index). */
        long derive(int domain, long index) {
            long sub = Threefry.block((int) (seed >>> 32), (int) seed, domain, 0);
            return Threefry.block(Threefry.word0(sub), Threefry.word1(sub), (int) (index >>> 32), (int) index);
        }
    }

    /** Secure randomness from the operating system. */
    record Secure(SecureRandom random) implements RandomSource {
        @Override
        public Tensor noiseKey(long step) {
            return Tensor.of(new int[] {random.nextInt(), random.nextInt()});
        }

        @Override
        public RandomGenerator generator(int domain, long index) {
            return random;
        }

        @Override
        public boolean reproducible() {
            return false;
        }

        @Override
        public String describe() {
            return "secure (java.security.SecureRandom: " + random.getAlgorithm() + "; not reproducible)";
        }
    }
}
