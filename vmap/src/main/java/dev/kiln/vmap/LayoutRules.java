package dev.kiln.vmap;

import dev.kiln.ir.DType;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Shape;
import dev.kiln.ir.prim.BroadcastInDim;
import dev.kiln.ir.prim.Compare;
import dev.kiln.ir.prim.CompareOp;
import dev.kiln.ir.prim.Concatenate;
import dev.kiln.ir.prim.Pad;
import dev.kiln.ir.prim.Reshape;
import dev.kiln.ir.prim.Rev;
import dev.kiln.ir.prim.Select;
import dev.kiln.ir.prim.Slice;
import dev.kiln.ir.prim.Transpose;
import dev.kiln.tracer.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Batching of the primitives that move elements around. Most keep the batch axis where it is and
 * give it the identity parameters (full slice, no padding, no reversal); only reshape, whose
 * row-major reinterpretation would mix examples, first moves it to the front.
 */
final class LayoutRules {
    private LayoutRules() {
    }

    static BatchedValue broadcastInDim(BroadcastInDim b, BatchedValue x, RuleContext cx) {
        // The batch axis goes right after the target of the operand axis before it, which keeps
        // broadcast_dimensions increasing without moving the operand.
        int bd = x.bdim();
        Ints dims = b.broadcastDimensions();
        int outBdim = bd == 0 ? 0 : dims.get(bd - 1) + 1;
        int[] newDims = new int[dims.size() + 1];
        for (int i = 0; i < newDims.length; i++) {
            newDims[i] = i < bd ? dims.get(i) : i == bd ? outBdim : dims.get(i - 1) + 1;
        }
        Shape shape = b.shape().with(outBdim, cx.size());
        return BatchedValue.batched(cx.bind(new BroadcastInDim(shape, Ints.of(newDims)), x.value()), outBdim);
    }

    static BatchedValue reshape(Reshape r, BatchedValue x, RuleContext cx) {
        Tensor front = cx.moveBatch(x, 0);
        return BatchedValue.batched(cx.bind(new Reshape(r.newShape().with(0, cx.size())), front), 0);
    }

    static BatchedValue transpose(Transpose t, BatchedValue x, RuleContext cx) {
        int bd = x.bdim();
        Ints perm = t.permutation();
        int[] p = new int[perm.size() + 1];
        for (int i = 0; i < p.length; i++) {
            p[i] = i < bd ? RuleContext.shift(perm.get(i), bd) : i == bd ? bd : RuleContext.shift(perm.get(i - 1), bd);
        }
        return BatchedValue.batched(cx.bind(new Transpose(Ints.of(p)), x.value()), bd);
    }

    static BatchedValue rev(Rev r, BatchedValue x, RuleContext cx) {
        return BatchedValue.batched(cx.bind(new Rev(RuleContext.shiftAll(r.dimensions(), x.bdim())), x.value()), x.bdim());
    }

    static BatchedValue slice(Slice s, BatchedValue x, RuleContext cx) {
        int bd = x.bdim();
        Slice batched = new Slice(RuleContext.insert(s.start(), bd, 0), RuleContext.insert(s.limit(), bd, cx.size()),
                RuleContext.insert(s.strides(), bd, 1));
        return BatchedValue.batched(cx.bind(batched, x.value()), bd);
    }

    /**
     * Pad leaves the batch axis unpadded. A padding value that differs per example cannot be a
     * pad operand (it is a scalar), so then the operand is padded with zero and the padding
     * positions, found by padding a mask the same way, are selected from the per-example values.
     */
    static BatchedValue pad(Pad p, BatchedValue x, BatchedValue value, RuleContext cx) {
        if (!value.isBatched()) {
            return BatchedValue.batched(cx.bind(batchedPad(p, x.bdim(), cx), x.value(), value.value()), x.bdim());
        }
        int bd = x.isBatched() ? x.bdim() : 0;
        Tensor zero = Tensor.scalar(0, x.value().dtype());
        Tensor data = x.isBatched() ? cx.bind(batchedPad(p, bd, cx), x.value(), zero) : cx.bind(p, x.value(), zero);
        Shape exampleShape = x.isBatched() ? x.value().shape().without(bd) : x.value().shape();
        Tensor ones = cx.bind(new BroadcastInDim(exampleShape, Ints.empty()), Tensor.scalar(1, DType.I32));
        Tensor inside = cx.bind(new Compare(CompareOp.NE), cx.bind(p, ones, Tensor.scalar(0, DType.I32)),
                Tensor.scalar(0, DType.I32));
        Shape full = inside.shape().with(bd, cx.size());
        Tensor mask = cx.broadcastBatch(inside, bd);
        Tensor fill = cx.bind(new BroadcastInDim(full, Ints.of(bd)), cx.moveBatch(value, 0));
        Tensor padded = x.isBatched() ? data : cx.broadcastBatch(data, bd);
        return BatchedValue.batched(cx.bind(new Select(), mask, padded, fill), bd);
    }

    private static Pad batchedPad(Pad p, int bd, RuleContext cx) {
        return new Pad(RuleContext.insert(p.low(), bd, 0), RuleContext.insert(p.high(), bd, 0),
                RuleContext.insert(p.interior(), bd, 0));
    }

    static BatchedValue concatenate(Concatenate c, List<BatchedValue> args, RuleContext cx) {
        int bd = args.stream().filter(BatchedValue::isBatched).findFirst().orElseThrow().bdim();
        List<Tensor> ops = new ArrayList<>(args.size());
        for (BatchedValue a : args) {
            ops.add(cx.materialize(a, bd));
        }
        return BatchedValue.batched(cx.bind(new Concatenate(RuleContext.shift(c.dimension(), bd)), ops), bd);
    }
}
