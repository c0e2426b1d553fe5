package dev.kiln.autodiff;

import dev.kiln.ir.Ints;
import dev.kiln.ir.prim.CompareOp;
import dev.kiln.ir.prim.ReduceMax;
import dev.kiln.ir.prim.ReduceSum;
import dev.kiln.tracer.Tensor;

/** VJP rules of the reductions over axes. */
final class ReductionVjp {
    private ReductionVjp() {
    }

    /** Broadcasts the cotangent back over the reduced axes. */
    static Tensor[] reduceSum(ReduceSum r, VjpCall c) {
        Tensor[] out = c.none();
        out[0] = c.e().broadcastInDim(c.ct(), c.inType(0).shape(), kept(c.inType(0).rank(), r.axes()));
        return out;
    }

    /**
     * The cotangent goes to the positions equal to the maximum, split evenly among ties:
     * {@code ct * (x == max) / count(x == max)}, as JAX does.
     */
    static Tensor[] reduceMax(ReduceMax r, VjpCall c) {
        Emitter e = c.e();
        Tensor x = c.in(0);
        Ints kept = kept(x.rank(), r.axes());
        Tensor max = e.broadcastInDim(c.out(), x.shape(), kept);
        Tensor hits = e.convert(e.compare(CompareOp.EQ, x, max), x.dtype());
        Tensor count = e.reduceSum(hits, r.axes().toArray());
        Tensor share = e.broadcastInDim(e.div(c.ct(), count), x.shape(), kept);
        Tensor[] out = c.none();
        out[0] = e.mul(hits, share);
        return out;
    }

    /** The dimensions of a rank-{@code rank} operand that a reduction over {@code axes} keeps. */
    static Ints kept(int rank, Ints axes) {
        return Ints.of(java.util.stream.IntStream.range(0, rank).filter(i -> !axes.contains(i)).toArray());
    }
}
