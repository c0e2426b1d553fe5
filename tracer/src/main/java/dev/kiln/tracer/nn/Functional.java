package dev.kiln.tracer.nn;

import dev.kiln.ir.DType;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.SourceLocation;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.ops.IndexOps;

/**
 * Stateless layers and losses (PyTorch's {@code torch.nn.functional}): activations, softmax,
 * cross-entropy and friends. Losses use the natural logarithm.
 */
public final class Functional {
    private Functional() {
    }

    public static Tensor relu(Tensor x) {
        return x.relu();
    }

    /** {@code exp(x) / sum(exp(x))} along {@code axis}, computed as {@code exp(x - logsumexp(x))}. */
    public static Tensor softmax(Tensor x, int axis) {
        return logSoftmax(x, axis).exp();
    }

    /** {@code x - logsumexp(x)} along {@code axis}. */
    public static Tensor logSoftmax(Tensor x, int axis) {
        if (!x.dtype().isFloating()) {
            x = x.astype(DType.F32);
        }
        return x.sub(x.logsumexp(axis, true));
    }

    /**
     * Per-example softmax cross-entropy, {@code logsumexp(logits[b]) - logits[b, labels[b]]}, for
     * logits {@code [B, C]} and labels {@code i32[B]}: a {@code [B]} vector, not averaged (PyTorch's
     * {@code reduction='none'}). The label's log-probability is picked with a gather (one row
     * element per example), not a one-hot product, so no {@code [B, C]} mask is built.
     */
    public static Tensor crossEntropy(Tensor logits, Tensor labels) {
        checkClassification("crossEntropy", logits, labels);
        return IndexOps.pick(logSoftmax(logits, -1), labels).neg();
    }

    /** The batch mean of {@link #crossEntropy} (PyTorch's default {@code reduction='mean'}). */
    public static Tensor crossEntropyMean(Tensor logits, Tensor labels) {
        return crossEntropy(logits, labels).mean();
    }

    /** The fraction (f32 scalar) of examples whose largest logit is at their label. */
    public static Tensor accuracy(Tensor logits, Tensor labels) {
        checkClassification("accuracy", logits, labels);
        return logits.argmax(-1).eq(labels).astype(DType.F32).mean();
    }

    /** Flattens all dimensions but the first (PyTorch's {@code nn.Flatten()}): {@code [B, ...]} to {@code [B, n]}. */
    public static Tensor flatten(Tensor x) {
        if (x.rank() < 2) {
            throw new KilnException("flatten", "needs a batch dimension and at least one more, got " + x.type(),
                    SourceLocation.ofCaller(), null);
        }
        return x.flatten(1);
    }

    /** The mean of the squared differences over all elements (PyTorch's {@code mse_loss}). */
    public static Tensor mseLoss(Tensor prediction, Tensor target) {
        if (!prediction.shape().equals(target.shape())) {
            throw new KilnException("mseLoss", "prediction " + prediction.type() + " and target " + target.type()
                    + " must have the same shape", SourceLocation.ofCaller(), null);
        }
        return prediction.sub(target).square().mean();
    }

    private static void checkClassification(String op, Tensor logits, Tensor labels) {
        if (logits.rank() != 2) {
            throw new KilnException(op, "logits must be [B, C], got " + logits.type(), SourceLocation.ofCaller(), null);
        }
        if (labels.dtype() != DType.I32 || labels.rank() != 1 || labels.dim(0) != logits.dim(0)) {
            throw new KilnException(op, "labels must be i32[" + logits.dim(0) + "] for logits " + logits.type()
                    + ", got " + labels.type(), SourceLocation.ofCaller(),
                    "labels are class indices, one per example; convert with astype(DType.I32)");
        }
    }
}
