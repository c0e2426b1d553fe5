package dev.kiln.tracer.nn;

import dev.kiln.ir.DType;
import dev.kiln.tracer.Random;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.ops.ConvOps;

/**
 * A 2-d convolution layer with PyTorch's layout: {@code weight [out, in, kh, kw]}, {@code bias
 * [out]}, NCHW activations, cross-correlation with zero padding on both sides. {@code stride} and
 * {@code padding} are plain int components: static parts of the pytree (they are kept, not traced,
 * and belong to jit's cache key), so a layer carries its own geometry and a gradient of it keeps
 * the same geometry. The bias may be null.
 */
public record Conv2d(Tensor weight, Tensor bias, int stride, int padding) {

    /** Stride 1, no padding. */
    public Conv2d(Tensor weight, Tensor bias) {
        this(weight, bias, 1, 0);
    }

    /**
     * A layer initialised as PyTorch's {@code nn.Conv2d}: Kaiming-uniform with {@code a = sqrt(5)},
     * which comes to weight and bias uniform on {@code [-1/sqrt(fan_in), 1/sqrt(fan_in))}, with
     * {@code fan_in = in * kernel * kernel}.
     */
    public static Conv2d init(Tensor key, int in, int out, int kernel, int stride, int padding) {
        return init(key, in, out, kernel, stride, padding, DType.F32);
    }

    public static Conv2d init(Tensor key, int in, int out, int kernel, int stride, int padding, DType dtype) {
        Tensor keys = Random.split(key, 2);
        double bound = 1 / Math.sqrt((double) in * kernel * kernel);
        Tensor w = Random.uniform(Random.keyAt(keys, 0), new int[] {out, in, kernel, kernel}, -bound, bound, dtype);
        Tensor b = Random.uniform(Random.keyAt(keys, 1), new int[] {out}, -bound, bound, dtype);
        return new Conv2d(w, b, stride, padding);
    }

    /** {@code x [N, in, H, W]} to {@code [N, out, H', W']}. */
    public Tensor apply(Tensor x) {
        Tensor y = ConvOps.conv2d(x, weight, stride, padding);
        return bias == null ? y : y.add(bias.reshape(-1, 1, 1));
    }
}
