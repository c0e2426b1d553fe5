package dev.kiln.tracer.nn;

import dev.kiln.ir.DType;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.SourceLocation;
import dev.kiln.tracer.Random;
import dev.kiln.tracer.Tensor;

/**
 * A fully connected layer with PyTorch's layout: {@code weight [out, in]}, {@code bias [out]}, and
 * {@code y = x W^T + b}. A record of tensors, so it is a pytree: its gradient is another
 * {@code Linear}. The bias may be null (PyTorch's {@code bias=False}).
 */
public record Linear(Tensor weight, Tensor bias) {

    /**
     * A layer initialised as PyTorch's {@code nn.Linear}: weight and bias uniform on
     * {@code [-1/sqrt(in), 1/sqrt(in))} (its Kaiming-uniform with {@code a = sqrt(5)} comes to this).
     */
    public static Linear init(Tensor key, int in, int out) {
        return init(key, in, out, DType.F32);
    }

    public static Linear init(Tensor key, int in, int out, DType dtype) {
        Tensor keys = Random.split(key, 2);
        double bound = 1 / Math.sqrt(in);
        return new Linear(Random.uniform(Random.keyAt(keys, 0), new int[] {out, in}, -bound, bound, dtype),
                Random.uniform(Random.keyAt(keys, 1), new int[] {out}, -bound, bound, dtype));
    }

    public int inFeatures() {
        return weight.dim(1);
    }

    public int outFeatures() {
        return weight.dim(0);
    }

    /**
     * {@code x [..., in]} to {@code [..., out]}: one dot_general contracting x's last dimension with
     * the weight's dimension 1 (no transpose of the weight is materialised), plus the bias.
     */
    public Tensor apply(Tensor x) {
        if (weight.rank() != 2) {
            throw new KilnException("Linear", "weight must be [out, in], got " + weight.type(), SourceLocation.ofCaller(), null);
        }
        if (x.rank() == 0 || x.dim(-1) != inFeatures()) {
            throw new KilnException("Linear", "input " + x.type() + " has " + (x.rank() == 0 ? "no" : x.dim(-1))
                    + " features in its last dimension but weight " + weight.type() + " expects " + inFeatures(),
                    SourceLocation.ofCaller(), "Linear weights are [out, in]; the input's last dimension must be in");
        }
        Tensor y = Tensor.dotGeneral(x, weight, new int[] {x.rank() - 1}, new int[] {1}, new int[0], new int[0]);
        return bias == null ? y : y.add(bias);
    }
}
