package dev.kiln.bench.jmh;

import dev.kiln.runtime.JitOptions;
import dev.kiln.runtime.Kiln;
import dev.kiln.tracer.Fn1;
import dev.kiln.tracer.Fn2;
import dev.kiln.tracer.Random;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.nn.Functional;
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
 * Fused against unfused (one kernel per equation, same backend) on three kernels that fusion is
 * for: a chain of elementwise operations, softmax cross-entropy, and DP-SGD's clip-and-sum over
 * per-example gradients (which fused never writes the scaled gradients).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xss8m"})
public class FusionBenchmarks {
    /** Elements of the elementwise chain. */
    static final int CHAIN = 1 << 20;
    /** Softmax cross-entropy: rows and classes. */
    static final int ROWS = 1024, CLASSES = 1000;
    /** Clip-and-sum: examples and parameters per example (the MNIST CNN's 26,010). */
    static final int EXAMPLES = 128, PARAMS = 26_010;

    @Param({"true", "false"})
    public boolean fused;

    private Fn1<Tensor, Tensor> chain;
    private Fn2<Tensor, Tensor, Tensor> softmaxCe;
    private Fn1<Tensor, Tensor> clipAndSum;
    private Tensor x, logits, labels, grads;

    @Setup
    public void setup() {
        JitOptions o = JitOptions.defaults().withFusion(fused);
        chain = Kiln.jit((Tensor t) -> t.mul(2.0).add(1.0).tanh().mul(t).sub(0.5).exp().mul(0.25), o.named("chain"));
        softmaxCe = Kiln.jit((Tensor l, Tensor y) -> Functional.crossEntropy(l, y).mean(), o.named("softmax_ce"));
        clipAndSum = Kiln.jit(FusionBenchmarks::clipAndSum, o.named("clip_and_sum"));
        Tensor key = Random.key(7);
        var k = Random.splitList(key, 4);
        x = Random.uniform(k.get(0), CHAIN);
        logits = Random.normal(k.get(1), ROWS, CLASSES);
        labels = Random.uniform(k.get(2), ROWS).mul((double) CLASSES).floor().astype(dev.kiln.ir.DType.I32);
        grads = Random.normal(k.get(3), EXAMPLES, PARAMS);
    }

    /** Clip each row (one example's flattened gradient) to norm 1 and sum the rows. */
    static Tensor clipAndSum(Tensor g) {
        Tensor norm = g.square().sum(1).sqrt();
        Tensor scale = norm.maximum(1.0).reciprocal();
        return g.mul(scale.reshape(g.dim(0), 1)).sum(0);
    }

    @Benchmark
    public Tensor elementwiseChain() {
        return chain.apply(x);
    }

    @Benchmark
    public Tensor softmaxCrossEntropy() {
        return softmaxCe.apply(logits, labels);
    }

    @Benchmark
    public Tensor dpClipAndSum() {
        return clipAndSum.apply(grads);
    }
}
