package dev.kiln.samples.models;

import dev.kiln.ir.DType;
import dev.kiln.tracer.Random;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.nn.Embedding;
import dev.kiln.tracer.nn.Linear;
import java.util.List;

/** The IMDb embedding model: Embedding(vocab, 16), mean over the sequence, Linear(16, 2). */
public final class EmbeddingModel implements PaperModel<EmbeddingModel.Params> {
    public record Params(Embedding emb, Linear fc1) {
    }

    private final int vocab;
    private final int seqLen;

    /** The paper's size: vocabulary 10,004, sequences of 256 tokens. */
    public EmbeddingModel() {
        this(10_004, 256);
    }

    public EmbeddingModel(int vocab, int seqLen) {
        this.vocab = vocab;
        this.seqLen = seqLen;
    }

    @Override
    public String name() {
        return "embedding";
    }

    @Override
    public Params init(Tensor key) {
        List<Tensor> k = Random.splitList(key, 2);
        return new Params(Embedding.init(k.get(0), vocab, 16), Linear.init(k.get(1), 16, 2));
    }

    @Override
    public Tensor logits(Params p, Tensor x) {
        return p.fc1().apply(p.emb().apply(x).mean(1));
    }

    @Override
    public int[] exampleShape() {
        return new int[] {seqLen};
    }

    @Override
    public DType inputType() {
        return DType.I32;
    }

    @Override
    public int classes() {
        return 2;
    }

    @Override
    public int vocabulary() {
        return vocab;
    }

    @Override
    public List<String> parameterNames() {
        return List.of("emb.weight", "fc1.weight", "fc1.bias");
    }
}
