package dev.kiln.bench;

import dev.kiln.bench.harness.Progress;
import dev.kiln.bench.torch.CompareReport;
import dev.kiln.bench.torch.CompareResults;
import dev.kiln.bench.torch.CompareRun;
import dev.kiln.bench.torch.PythonEnv;
import dev.kiln.bench.torch.TorchInstall;
import dev.kiln.bench.torch.TorchPeer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kiln bench compare}: Kiln and PyTorch on the same models, interleaved, in one invocation. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Time the same models in Kiln and PyTorch in this one invocation, in alternating chunks of "
                + "steps (so both see the same machine load), and print Kiln's time over PyTorch's per model, "
                + "private (DP-SGD) and non-private (SGD).",
                "PyTorch is Debian's python3-torch with functorch; scripts/install-pytorch.sh installs it when missing."})
final class CompareCommand implements Callable<Integer> {
    @Option(names = "--models", split = ",", description = "models (default: all six)")
    List<String> models;

    @Option(names = "--batch", defaultValue = "128", description = "batch size (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--repeats", defaultValue = "5", description = "rounds of (Kiln chunk, PyTorch chunk) (default ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--chunk", defaultValue = "4", description = "steps per turn (default ${DEFAULT-VALUE})")
    int chunk;

    @Option(names = "--warmup", defaultValue = "3", description = "untimed steps per side after its first call (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--warmup-seconds", defaultValue = "3", description = "and keep warming up each side for at least this long (default ${DEFAULT-VALUE})")
    double warmupSeconds;

    @Option(names = "--budget", defaultValue = "120", description = "seconds per model and step before rounds stop (at least one round; default ${DEFAULT-VALUE})")
    int budgetSeconds;

    @Option(names = "--torch-loop", description = "also time PyTorch's DP-SGD step looping over examples (slow)")
    boolean torchLoop;

    @Option(names = "--torch-threads", defaultValue = "2", description = "PyTorch's intra-op threads (default ${DEFAULT-VALUE}, as in PEERS.md)")
    int torchThreads;

    @Option(names = "--backend", description = "Kiln's jit backend (default: the best available)")
    String backend;

    @Option(names = "--out", defaultValue = "benchmarks/results", description = "output folder (default ${DEFAULT-VALUE})")
    Path out;

    @Override
    public Integer call() throws Exception {
        CompareRun.Plan plan = plan();
        PythonEnv env = TorchInstall.ensure(torchThreads, System.err);
        CompareResults r;
        try (TorchPeer torch = TorchPeer.start(env); Progress p = new Progress("compare", plan.units())) {
            r = new CompareRun(plan, torch, p).run();
        }
        List<Path> files = CompareReport.write(r, out);
        System.out.print(CompareReport.markdown(r));
        System.out.println("wrote " + String.join(", ", files.stream().map(f -> f.getFileName().toString()).toList())
                + " under " + out);
        return 0;
    }

    CompareRun.Plan plan() {
        if (batch < 1 || repeats < 1 || chunk < 1 || warmup < 0 || warmupSeconds < 0 || torchThreads < 1) {
            throw new IllegalArgumentException("--batch, --repeats, --chunk and --torch-threads must be positive, "
                    + "--warmup and --warmup-seconds not negative");
        }
        List<String> modes = new ArrayList<>(List.of("sgd", "dp"));
        if (torchLoop) {
            modes.add("dp_loop");
        }
        return new CompareRun.Plan(ModelList.parse(models), modes, batch, warmup, Math.round(warmupSeconds * 1000), chunk,
                repeats, budgetSeconds * 1000L, backend);
    }
}
