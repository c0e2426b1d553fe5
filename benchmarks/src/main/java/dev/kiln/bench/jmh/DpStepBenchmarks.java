package dev.kiln.bench.jmh;

import dev.kiln.bench.step.StepSpec;
import dev.kiln.bench.step.TrainingStep;
import dev.kiln.bench.step.Variant;
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

/** The whole DP-SGD step (vmap per-example gradients, clip, noise, update) at batch 128, fused and unfused. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xss8m"})
public class DpStepBenchmarks {
    @Param({"ffnn", "mnist_cnn"})
    public String model;

    @Param({"true", "false"})
    public boolean fused;

    @Param({"128"})
    public int batch;

    private TrainingStep<?> step;

    @Setup
    public void setup() {
        step = TrainingStep.prepare(StepSpec.of(model, batch, Variant.DP_VMAP).withFusion(fused));
        step.step();
    }

    @Benchmark
    public void dpSgdStep() {
        step.step();
    }
}
