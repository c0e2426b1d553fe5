package dev.kiln.samples.train;

import dev.kiln.ir.DType;
import dev.kiln.privacy.Batch;
import dev.kiln.privacy.sampling.PhysicalBatch;
import dev.kiln.runtime.JitOptions;
import dev.kiln.runtime.Kiln;
import dev.kiln.samples.data.Dataset;
import dev.kiln.samples.models.PaperModel;
import dev.kiln.tracer.Fn2;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.nn.Functional;
import java.util.stream.IntStream;

/**
 * Loss and accuracy of a model on a dataset, in padded chunks of a fixed size so one compiled
 * function serves every chunk.
 */
public final class Evaluator<P extends Record> {
    /** Summed loss and number of correct predictions over a chunk's real rows (f32 scalars). */
    public record Totals(Tensor lossSum, Tensor correct) {
    }

    /** Mean loss and accuracy (fraction correct). */
    public record Result(double loss, double accuracy) {
    }

    private final Fn2<P, Batch, Totals> totals;
    private final int chunk;

    public Evaluator(PaperModel<P> model, JitOptions jit, int chunk) {
        this.chunk = chunk;
        this.totals = Kiln.jit((P p, Batch b) -> {
            Tensor logits = model.logits(p, b.x());
            Tensor mask = b.mask();
            Tensor loss = Functional.crossEntropy(logits, b.y()).mul(mask).sum();
            Tensor correct = logits.argmax(-1).eq(b.y()).astype(DType.F32).mul(mask).sum();
            return new Totals(loss, correct);
        }, jit.named(model.name() + "_eval"));
    }

    public Result evaluate(P params, Dataset data) {
        double loss = 0;
        double correct = 0;
        int n = data.size();
        for (int start = 0; start < n; start += chunk) {
            int[] idx = IntStream.range(start, Math.min(n, start + chunk)).toArray();
            PhysicalBatch pb = PhysicalBatch.padded(idx, chunk);
            Tensor[] xy = data.batch(pb.indices());
            Totals t = totals.apply(params, new Batch(xy[0], xy[1], pb.mask()));
            loss += t.lossSum().item();
            correct += t.correct().item();
        }
        return new Result(loss / n, correct / n);
    }
}
