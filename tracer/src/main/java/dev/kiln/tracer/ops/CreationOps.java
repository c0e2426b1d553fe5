package dev.kiln.tracer.ops;

import dev.kiln.ir.DType;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Shape;
import dev.kiln.tracer.Dispatch;
import dev.kiln.tracer.Tensor;
import dev.kiln.ir.prim.BroadcastInDim;
import dev.kiln.ir.prim.Iota;

/**
 * Tensors made from nothing. Under a trace these record a broadcast of a scalar (or an iota)
 * rather than baking a large constant array into the graph.
 */
public final class CreationOps {
    private CreationOps() {
    }

    public static Tensor full(double value, DType dtype, int... shape) {
        Tensor s = Tensor.scalar(value, dtype);
        if (shape.length == 0) {
            return s;
        }
        return Dispatch.bind(new BroadcastInDim(Shape.of(shape), Ints.empty()), s);
    }

    public static Tensor iota(DType dtype, Shape shape, int dimension) {
        return Dispatch.bind(new Iota(dtype, shape, dimension));
    }
}
