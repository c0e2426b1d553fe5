package dev.kiln.samples.models;

import dev.kiln.ir.DType;
import dev.kiln.tracer.Random;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.nn.Embedding;
import dev.kiln.tracer.nn.Linear;
import dev.kiln.tracer.nn.Lstm;
import java.util.List;

/**
 * The IMDb LSTM: Embedding(vocab, 100), a single-layer LSTM(100, 100) from a zero state run
 * time-major over the whole sequence (unrolled in the graph), the mean of all steps' outputs,
 * Linear(100, 2). torch.nn.LSTM's layout and gate order (i, f, g, o).
 */
public final class LstmModel implements PaperModel<LstmModel.Params> {
    public record Params(Embedding emb, Lstm lstm, Linear fc1) {
    }

    private final int vocab;
    private final int seqLen;

    /** The paper's size: vocabulary 10,004, sequences of 256 tokens. */
    public LstmModel() {
        this(10_004, 256);
    }

    public LstmModel(int vocab, int seqLen) {
        this.vocab = vocab;
        this.seqLen = seqLen;
    }

    @Override
    public String name() {
        return "lstm";
    }

    @Override
    public Params init(Tensor key) {
        List<Tensor> k = Random.splitList(key, 3);
        return new Params(Embedding.init(k.get(0), vocab, 100), Lstm.init(k.get(1), 100, 100),
                Linear.init(k.get(2), 100, 2));
    }

    @Override
    public Tensor logits(Params p, Tensor x) {
        Tensor e = p.emb().apply(x).transpose(1, 0, 2);
        Tensor hs = p.lstm().run(e);
        return p.fc1().apply(hs.mean(0));
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
        return List.of("emb.weight", "lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0",
                "lstm.bias_hh_l0", "fc1.weight", "fc1.bias");
    }
}
