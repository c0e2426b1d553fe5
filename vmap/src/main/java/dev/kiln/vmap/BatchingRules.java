package dev.kiln.vmap;

import dev.kiln.ir.prim.ArgMax;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BroadcastInDim;
import dev.kiln.ir.prim.Compare;
import dev.kiln.ir.prim.Concatenate;
import dev.kiln.ir.prim.ConvGeneralDilated;
import dev.kiln.ir.prim.Convert;
import dev.kiln.ir.prim.DotGeneral;
import dev.kiln.ir.prim.Gather;
import dev.kiln.ir.prim.Iota;
import dev.kiln.ir.prim.Pad;
import dev.kiln.ir.prim.Primitive;
import dev.kiln.ir.prim.RandomBits;
import dev.kiln.ir.prim.RandomSplit;
import dev.kiln.ir.prim.ReduceMax;
import dev.kiln.ir.prim.ReduceSum;
import dev.kiln.ir.prim.ReduceWindow;
import dev.kiln.ir.prim.Reshape;
import dev.kiln.ir.prim.Rev;
import dev.kiln.ir.prim.ScatterAdd;
import dev.kiln.ir.prim.Select;
import dev.kiln.ir.prim.SelectAndScatterAdd;
import dev.kiln.ir.prim.Slice;
import dev.kiln.ir.prim.Transpose;
import dev.kiln.ir.prim.Unary;
import dev.kiln.tracer.Tensor;
import java.util.List;

/**
 * One batching rule per primitive: given the operands as {@link BatchedValue}s (at least one of
 * them batched), emit the batched equations into the current trace and say where the result's
 * batch axis is. The switch is exhaustive over the sealed {@link Primitive}, so a new primitive
 * does not compile until it has a rule. The rules themselves live with their family.
 */
final class BatchingRules {
    private BatchingRules() {
    }

    static BatchedValue apply(Primitive p, List<BatchedValue> in, RuleContext cx) {
        return switch (p) {
            case Unary u -> ElementwiseRules.apply(u, in, cx);
            case Binary b -> ElementwiseRules.apply(b, in, cx);
            case Compare c -> ElementwiseRules.apply(c, in, cx);
            case Select s -> ElementwiseRules.apply(s, in, cx);
            case Convert c -> ElementwiseRules.apply(c, in, cx);
            case Iota i -> BatchedValue.unbatched(cx.bind(i, List.<Tensor>of()));
            case BroadcastInDim b -> LayoutRules.broadcastInDim(b, in.get(0), cx);
            case Reshape r -> LayoutRules.reshape(r, in.get(0), cx);
            case Transpose t -> LayoutRules.transpose(t, in.get(0), cx);
            case Rev r -> LayoutRules.rev(r, in.get(0), cx);
            case Slice s -> LayoutRules.slice(s, in.get(0), cx);
            case Pad pd -> LayoutRules.pad(pd, in.get(0), in.get(1), cx);
            case Concatenate c -> LayoutRules.concatenate(c, in, cx);
            case ReduceSum r -> ReductionRules.reduceSum(r, in.get(0), cx);
            case ReduceMax r -> ReductionRules.reduceMax(r, in.get(0), cx);
            case ArgMax a -> ReductionRules.argMax(a, in.get(0), cx);
            case DotGeneral d -> DotRules.dotGeneral(d, in.get(0), in.get(1), cx);
            case ConvGeneralDilated c -> ConvRules.conv(c, in.get(0), in.get(1), cx);
            case ReduceWindow w -> WindowRules.reduceWindow(w, in.get(0), cx);
            case SelectAndScatterAdd s -> WindowRules.selectAndScatterAdd(s, in.get(0), in.get(1), cx);
            case Gather g -> IndexingRules.gather(g, in.get(0), in.get(1), cx);
            case ScatterAdd s -> IndexingRules.scatterAdd(s, in.get(0), in.get(1), in.get(2), cx);
            case RandomBits r -> RandomRules.randomBits(r, in.get(0), cx);
            case RandomSplit r -> RandomRules.randomSplit(r, in.get(0), cx);
        };
    }
}
