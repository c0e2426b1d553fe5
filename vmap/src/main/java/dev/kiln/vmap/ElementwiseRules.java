package dev.kiln.vmap;

import dev.kiln.ir.Ints;
import dev.kiln.ir.Shape;
import dev.kiln.ir.prim.BroadcastInDim;
import dev.kiln.ir.prim.Primitive;
import dev.kiln.tracer.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Batching of the elementwise primitives (unary, binary, compare, select, convert). The IR needs
 * its non-scalar operands to have one shape, so: batched operands meet at one batch axis (the
 * first full-rank batched operand's, so the common case moves nothing); an unbatched rank-0
 * operand stays a scalar and broadcasts in the IR; an unbatched non-scalar operand, or a batched
 * per-example scalar (now a vector of one value per example) next to non-scalar operands, is
 * broadcast to the full batched shape.
 */
final class ElementwiseRules {
    private ElementwiseRules() {
    }

    static BatchedValue apply(Primitive p, List<BatchedValue> args, RuleContext cx) {
        Shape exampleShape = Shape.scalar();
        int target = -1;
        for (BatchedValue a : args) {
            if (a.exampleRank() > 0) {
                exampleShape = a.isBatched() ? a.value().shape().without(a.bdim()) : a.value().shape();
                if (a.isBatched()) {
                    target = a.bdim();
                    break;
                }
            }
        }
        if (exampleShape.rank() == 0 || target < 0) {
            target = 0;
        }
        Shape full = exampleShape.with(target, cx.size());
        List<Tensor> ops = new ArrayList<>(args.size());
        for (BatchedValue a : args) {
            ops.add(align(a, exampleShape, target, full, cx));
        }
        return BatchedValue.batched(cx.bind(p, ops), target);
    }

    private static Tensor align(BatchedValue a, Shape exampleShape, int target, Shape full, RuleContext cx) {
        if (!a.isBatched()) {
            return a.value().rank() == 0 ? a.value() : cx.broadcastBatch(a.value(), target);
        }
        if (a.exampleRank() == exampleShape.rank()) {
            return cx.moveBatch(a, target);
        }
        // A per-example scalar among non-scalar operands: one value per example, spread over the rest.
        return cx.bind(new BroadcastInDim(full, Ints.of(target)), a.value());
    }
}
