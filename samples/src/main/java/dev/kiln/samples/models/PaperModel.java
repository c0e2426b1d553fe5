package dev.kiln.samples.models;

import dev.kiln.ir.DType;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.nn.Functional;
import java.util.List;

/**
 * One of the paper's six models: a parameter record {@code P}, its initialisation, and its
 * logits on a batch. Losses are softmax cross-entropy (natural log), as in the golden files.
 *
 * <p>{@link #exampleLoss} is the loss of ONE example (no batch dimension), the function whose
 * {@code vmap(grad(...))} is the per-example gradient; {@link #batchLoss} is the mean over a batch,
 * the ordinary training loss.
 *
 * @param <P> the parameter record; its pytree leaves, in order, are named by {@link #parameterNames()}
 */
public interface PaperModel<P extends Record> {

    /** {@code logreg}, {@code ffnn}, {@code mnist_cnn}, {@code cifar10_cnn}, {@code embedding} or {@code lstm}. */
    String name();

    /** Freshly initialised parameters (PyTorch's default initialisation), from a random key. */
    P init(Tensor key);

    /** Logits {@code [B, classes]} for a batch {@code x [B, ...exampleShape]}. */
    Tensor logits(P params, Tensor x);

    /** The shape of one example (no batch dimension). */
    int[] exampleShape();

    /** f32 features, or i32 token ids. */
    DType inputType();

    int classes();

    /** Token ids are drawn from {@code [0, vocabulary)}; 0 for models with float inputs. */
    default int vocabulary() {
        return 0;
    }

    /** PyTorch's names of the parameters, in the pytree leaf order of {@code P}. */
    List<String> parameterNames();

    /** The loss of one example {@code x [...exampleShape]} with label {@code y} (an i32 scalar). */
    default Tensor exampleLoss(P params, Tensor x, Tensor y) {
        return Functional.crossEntropy(logits(params, x.expandDims(0)), y.expandDims(0)).sum();
    }

    /** The mean loss over a batch. */
    default Tensor batchLoss(P params, Tensor x, Tensor y) {
        return Functional.crossEntropy(logits(params, x), y).mean();
    }

    /** The shape of a batch of {@code batch} examples. */
    default int[] batchShape(int batch) {
        int[] e = exampleShape();
        int[] s = new int[e.length + 1];
        s[0] = batch;
        System.arraycopy(e, 0, s, 1, e.length);
        return s;
    }
}
