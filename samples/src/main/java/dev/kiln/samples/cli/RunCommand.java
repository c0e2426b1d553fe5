package dev.kiln.samples.cli;

import dev.kiln.runtime.JitOptions;
import dev.kiln.runtime.Kiln;
import dev.kiln.samples.data.Dataset;
import dev.kiln.samples.data.SyntheticData;
import dev.kiln.samples.models.Models;
import dev.kiln.samples.models.PaperModel;
import dev.kiln.tracer.Fn3;
import dev.kiln.tracer.Random;
import dev.kiln.tracer.Tensor;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kiln run}: a paper model's jitted forward pass and loss on a synthetic batch. */
@Command(name = "run", description = "Run a paper model's jitted forward pass on a synthetic batch and print the loss.")
final class RunCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "one of ${COMPLETION-CANDIDATES}",
            completionCandidates = ModelNames.class)
    String model;

    @Option(names = "--batch", defaultValue = "128", description = "batch size (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--backend", description = "jvm, interpreter, opencl or ptx (default: the best available)")
    String backend;

    @Option(names = "--seed", defaultValue = "0", description = "random seed (default ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() {
        return run(Models.byName(model));
    }

    private <P extends Record> int run(PaperModel<P> m) {
        P params = m.init(Random.key(seed));
        Dataset data = SyntheticData.generate(m, batch, seed + 1);
        Tensor[] b = data.batch(java.util.stream.IntStream.range(0, batch).toArray());
        Fn3<P, Tensor, Tensor, Tensor> loss = Kiln.jit(m::batchLoss, JitOptions.defaults().named(m.name() + "_loss").onBackend(backend));
        long t0 = System.nanoTime();
        double first = loss.apply(params, b[0], b[1]).item();
        long t1 = System.nanoTime();
        double again = loss.apply(params, b[0], b[1]).item();
        long t2 = System.nanoTime();
        System.out.printf("%s: batch %d, loss %.6f (%s)%n", m.name(), batch, first, data.description());
        System.out.printf("  first call (trace + compile + run) %.1f ms, second call %.2f ms%n",
                (t1 - t0) / 1e6, (t2 - t1) / 1e6);
        if (first != again) {
            System.out.printf("  warning: the second call gave %.6f%n", again);
        }
        return 0;
    }
}
