package dev.kiln.samples.cli;

import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.text.GraphPrinter;
import dev.kiln.runtime.Kiln;
import dev.kiln.samples.models.Models;
import dev.kiln.samples.models.PaperModel;
import dev.kiln.tracer.Fn3;
import dev.kiln.tracer.Random;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.Tracing;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kiln ir}: a paper model's graph at a stage of the pipeline. */
@Command(name = "ir", description = {"Print the IR of a paper model's loss at a stage:",
    "  traced  the batch loss as traced (mean cross-entropy over a batch)",
    "  grad    its gradient with respect to the parameters (reverse mode)",
    "  vmap    the per-example gradient, vmap(grad(example loss)) over the batch",
    "With --emit ptx|opencl --out DIR, compile the stage for that GPU backend (no device needed)",
    "and write the kernel sources, the kernel plan and the buffer plan into DIR."})
final class IrCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "one of ${COMPLETION-CANDIDATES}",
            completionCandidates = ModelNames.class)
    String model;

    @Option(names = "--stage", defaultValue = "traced", description = "traced, grad or vmap (default ${DEFAULT-VALUE})")
    String stage;

    @Option(names = "--batch", defaultValue = "128", description = "batch size (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--sources", description = "append each equation's source line")
    boolean sources;

    @Option(names = "--emit", description = "ptx or opencl: write that backend's kernel sources instead of printing the IR")
    String emit;

    @Option(names = "--out", description = "folder for --emit (default: kiln-<emit>)")
    Path out;

    @Override
    public Integer call() {
        Graph g = graph(Models.byName(model), stage, batch);
        if (emit != null) {
            Path dir = out != null ? out : Path.of("kiln-" + emit);
            KernelSources.write(g, emit, dir, model + "_" + stage + "_b" + batch, System.out);
            return 0;
        }
        GraphPrinter.Options opts = GraphPrinter.Options.human()
                .withStage(stage + " " + model + " batch " + batch)
                .withSources(sources ? GraphPrinter.Sources.SHORT : GraphPrinter.Sources.NONE);
        System.out.print(GraphPrinter.print(g, opts));
        System.out.println("# " + g.equations().size() + " equations");
        return 0;
    }

    static Graph graph(PaperModel<?> m, String stage, int batch) {
        return typed(m, stage, batch);
    }

    private static <P extends Record> Graph typed(PaperModel<P> m, String stage, int batch) {
        P params = m.init(Random.key(0));
        TensorType x = new TensorType(m.inputType(), dev.kiln.ir.Shape.of(m.batchShape(batch)));
        TensorType y = TensorType.of(DType.I32, batch);
        Fn3<P, Tensor, Tensor, ?> f = switch (stage) {
            case "traced" -> m::batchLoss;
            case "grad" -> Kiln.grad(m::batchLoss);
            case "vmap" -> Kiln.vmap(Kiln.grad(m::exampleLoss), Kiln.in(null, 0, 0));
            default -> throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(new IrCommand()),
                    "unknown stage '" + stage + "' (expected traced, grad or vmap)");
        };
        // x and y are abstract (types only): nothing is computed, only traced.
        return Tracing.makeGraph(f.erase(), Arrays.asList(params, x, y));
    }
}
