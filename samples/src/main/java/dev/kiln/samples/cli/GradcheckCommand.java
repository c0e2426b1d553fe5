package dev.kiln.samples.cli;

import dev.kiln.samples.golden.GoldenCase;
import dev.kiln.samples.golden.GradCheck;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kiln gradcheck DIR}: Kiln's per-example gradients against a golden PyTorch case. */
@Command(name = "gradcheck",
        description = {"Check Kiln's per-example losses and gradients, jit(vmap(grad(loss))), against golden",
            "PyTorch values: DIR holds manifest.json and .npy files as in testdata/golden/<model>/.",
            "Prints the largest relative error per parameter (relative to the largest golden entry)",
            "and exits 1 if any exceeds the tolerance."})
final class GradcheckCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "DIR", description = "golden case folder(s)")
    Path[] dirs;

    @Option(names = "--tolerance", defaultValue = "1e-4", description = "relative tolerance (default ${DEFAULT-VALUE})")
    double tolerance;

    @Option(names = "--backend", description = "backend: jvm, interpreter, opencl, ptx (default: the best available)")
    String backend;

    @Override
    public Integer call() {
        boolean ok = true;
        for (Path dir : dirs) {
            GoldenCase c = GoldenCase.load(dir);
            long t0 = System.nanoTime();
            GradCheck.Result r = GradCheck.run(c, backend);
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("%s (%d examples, %s, %.2f s)%n", r.model(), r.batch(), dir, secs);
            System.out.printf("  %-22s %10.2e%n", "per-example loss", r.lossRelError());
            for (GradCheck.ParamError p : r.params()) {
                System.out.printf("  %-22s %10.2e%s%n", p.name(), p.relError(), p.relError() > tolerance ? "  FAIL" : "");
            }
            boolean pass = r.passes(tolerance);
            System.out.printf("  %s: worst relative error %.2e (tolerance %.0e)%n", pass ? "PASS" : "FAIL", r.worst(), tolerance);
            ok &= pass;
        }
        return ok ? 0 : 1;
    }
}
