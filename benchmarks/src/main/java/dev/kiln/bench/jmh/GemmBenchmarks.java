package dev.kiln.bench.jmh;

import dev.kiln.codegen.jvm.kernels.Sgemm;
import dev.kiln.runtime.JitOptions;
import dev.kiln.runtime.Kiln;
import dev.kiln.tracer.Fn2;
import dev.kiln.tracer.Random;
import dev.kiln.tracer.Tensor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * An f32 matrix product {@code [n, n] x [n, n]}: the JVM backend's library GEMM
 * ({@link Sgemm}) called directly, on one thread and on all lanes of the kernels' pool, and the
 * same product through {@code Kiln.jit} (a dot_general, with the dispatch around it).
 * {@code kiln bench jmh} turns the times into GFLOP/s (2n³ per product) and prints them next to
 * the machine's estimated peak.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xss8m"})
public class GemmBenchmarks {
    @Param({"256", "512", "1024"})
    public int n;

    private Fn2<Tensor, Tensor, Tensor> matmul;
    private Tensor a, b;
    private float[] fa, fb, fc, scratch;

    @Setup
    public void setup() {
        matmul = Kiln.jit(Tensor::matmul, JitOptions.defaults().named("gemm"));
        var k = Random.splitList(Random.key(3), 2);
        a = Random.normal(k.get(0), n, n);
        b = Random.normal(k.get(1), n, n);
        fa = a.toFloatArray();
        fb = b.toFloatArray();
        fc = new float[n * n];
        scratch = new float[Sgemm.scratchFloats(n, n, n, true)];
    }

    @Benchmark
    public float[] sgemmOneThread() {
        Sgemm.gemm(n, n, n, fa, 0, n, 1, fb, 0, n, 1, fc, 0, n, 1, false, scratch, 0, false);
        return fc;
    }

    @Benchmark
    public float[] sgemmAllLanes() {
        Sgemm.gemm(n, n, n, fa, 0, n, 1, fb, 0, n, 1, fc, 0, n, 1, false, scratch, 0, true);
        return fc;
    }

    @Benchmark
    public Tensor jitMatmul() {
        return matmul.apply(a, b);
    }

    /** Floating-point operations of one product of size {@code n}. */
    public static double flops(int n) {
        return 2.0 * n * n * n;
    }
}
