package dev.kiln.autodiff;

import dev.kiln.ir.prim.Gather;
import dev.kiln.ir.prim.ScatterAdd;
import dev.kiln.tracer.Tensor;

/** VJP rules of gather and scatter_add, each the other's transpose. Indices get no cotangent. */
final class IndexingVjp {
    private IndexingVjp() {
    }

    /** Adds the cotangent rows back at the gathered indices (repeated indices accumulate). */
    static Tensor[] gather(Gather g, VjpCall c) {
        Tensor[] out = c.none();
        out[0] = c.e().bind(new ScatterAdd(g.batchDims()), c.e().zeros(c.inType(0)), c.in(1), c.ct());
        return out;
    }

    /** Operands (operand, indices, updates): the operand passes the cotangent through; updates gather it. */
    static Tensor[] scatterAdd(ScatterAdd s, VjpCall c) {
        Tensor[] out = c.none();
        out[0] = c.needs(0) ? c.ct() : null;
        out[2] = c.needs(2) ? c.e().bind(new Gather(s.batchDims()), c.ct(), c.in(1)) : null;
        return out;
    }
}
