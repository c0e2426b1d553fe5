package dev.kiln.bench.jmh;

import dev.kiln.bench.harness.Machine;
import java.util.List;
import java.util.Locale;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * An estimate of the machine's f32 peak, to put GEMM GFLOP/s in context. The theoretical peak is
 * cores × FLOP per cycle × clock, where:
 * <ul>
 *   <li>the clock is measured, not read: a chain of dependent scalar FMAs runs at one per FMA
 *       latency (4 cycles on AMD Zen 2–4 and Intel Skylake and later), so cycles per second =
 *       4 / seconds per FMA. {@code /proc/cpuinfo}'s MHz is the nominal clock, which a boosting
 *       or virtualised CPU does not keep;</li>
 *   <li>FLOP per cycle per core is 2 (multiply + add) × f32 lanes of the FMA units × units: AMD
 *       Zen 4 runs AVX-512 on two 256-bit FMA pipes, 2 × 8 × 2 = 32; Intel cores with AVX-512
 *       have two 512-bit units, 64; AVX2-only cores 32.</li>
 * </ul>
 * It also measures what the Vector API attains: independent 512-bit (or the preferred width)
 * FMA chains, on one thread and on all cores.
 *
 * @param cores              cores the JVM sees
 * @param nominalMhz         {@code /proc/cpuinfo}'s clock (0: unknown)
 * @param measuredGhz        the clock measured from FMA latency
 * @param flopsPerCycle      f32 FLOP per cycle per core assumed
 * @param basis              why that many
 * @param vectorOneThread    GFLOP/s of Vector API FMA chains on one thread
 * @param vectorAllThreads   GFLOP/s on all cores at once
 */
public record PeakFlops(int cores, double nominalMhz, double measuredGhz, int flopsPerCycle, String basis,
                        double vectorOneThread, double vectorAllThreads) {
    private static final int FMA_LATENCY_CYCLES = 4;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Results land here so the measured loops cannot be removed as dead code. */
    static volatile double sink;

    /** The theoretical GFLOP/s of all cores. */
    public double theoreticalGflops() {
        return cores * flopsPerCycle * measuredGhz;
    }

    public static PeakFlops measure() {
        List<String> info = Machine.cpuinfo();
        int cores = Runtime.getRuntime().availableProcessors();
        double mhz = 0;
        String m = Machine.field(info, "cpu MHz");
        if (m != null) {
            mhz = Double.parseDouble(m);
        }
        String vendor = Machine.field(info, "vendor_id");
        String flags = Machine.field(info, "flags");
        boolean avx512 = flags != null && flags.contains("avx512f");
        boolean avx2 = flags != null && flags.contains("avx2");
        int fpc;
        String basis;
        if ("AuthenticAMD".equals(vendor) && (avx512 || avx2)) {
            fpc = 32;
            basis = "AMD Zen: two 256-bit FMA pipes (AVX-512 double-pumped), 2 x 8 lanes x 2 FLOP";
        } else if (avx512) {
            fpc = 64;
            basis = "AVX-512: two 512-bit FMA units, 2 x 16 lanes x 2 FLOP";
        } else if (avx2) {
            fpc = 32;
            basis = "AVX2: two 256-bit FMA units, 2 x 8 lanes x 2 FLOP";
        } else {
            fpc = 8;
            basis = "no AVX2/AVX-512 flags: assumed one 128-bit FMA unit";
        }
        double ghz = clockGhz();
        double one = vectorGflops(1);
        double all = vectorGflops(cores);
        return new PeakFlops(cores, mhz, ghz, fpc, basis, one, all);
    }

    /** Cycles per second from the latency of dependent FMAs; the best of several tries (least disturbed). */
    static double clockGhz() {
        // Short bursts (about 2 ms each), many of them, the fastest kept: on a loaded machine a
        // long run is always interrupted by the scheduler, a short one often is not.
        long n = 2_000_000;
        double best = Double.MAX_VALUE;
        for (int r = 0; r < 60; r++) {
            long t = System.nanoTime();
            sink = fmaChain(n, 1.0000001 + r * 1e-9);
            best = Math.min(best, (System.nanoTime() - t) / (double) n);
        }
        return FMA_LATENCY_CYCLES / best;
    }

    private static double fmaChain(long n, double a) {
        double x = 1;
        for (long i = 0; i < n; i++) {
            x = Math.fma(x, a, 1e-9);
        }
        return x;
    }

    /** GFLOP/s of eight independent vector FMA chains per thread, on {@code threads} threads at once. */
    static double vectorGflops(int threads) {
        long iters = 2_000_000;
        double best = 0;
        for (int r = 0; r < 40; r++) {
            Thread[] ts = new Thread[threads];
            float[] sinks = new float[threads];
            long t = System.nanoTime();
            for (int i = 0; i < threads; i++) {
                int id = i;
                ts[i] = new Thread(() -> sinks[id] = vectorChains(iters));
                ts[i].start();
            }
            for (Thread th : ts) {
                try {
                    th.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return best;
                }
            }
            double secs = (System.nanoTime() - t) / 1e9;
            sink = sinks[0];
            best = Math.max(best, threads * iters * 8.0 * S.length() * 2 / secs / 1e9);
        }
        return best;
    }

    private static float vectorChains(long iters) {
        FloatVector a = FloatVector.broadcast(S, 0.999999f), b = FloatVector.broadcast(S, 1e-7f);
        FloatVector c0 = FloatVector.broadcast(S, 1), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        for (long i = 0; i < iters; i++) {
            c0 = c0.fma(a, b);
            c1 = c1.fma(a, b);
            c2 = c2.fma(a, b);
            c3 = c3.fma(a, b);
            c4 = c4.fma(a, b);
            c5 = c5.fma(a, b);
            c6 = c6.fma(a, b);
            c7 = c7.fma(a, b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }

    public String describe() {
        return String.format(Locale.ROOT,
                "%d cores x %d f32 FLOP/cycle (%s) x %.2f GHz measured (dependent-FMA latency of %d cycles; "
                        + "/proc/cpuinfo says %.0f MHz) = %.0f GFLOP/s theoretical peak; Vector API FMA chains (%d lanes) "
                        + "attain %.0f GFLOP/s on one thread, %.0f on %d",
                cores, flopsPerCycle, basis, measuredGhz, FMA_LATENCY_CYCLES, nominalMhz, theoreticalGflops(), S.length(),
                vectorOneThread, vectorAllThreads, cores);
    }

}
