package dev.kiln.autodiff;

import dev.kiln.ir.Ints;
import dev.kiln.ir.prim.BroadcastInDim;
import dev.kiln.ir.prim.Concatenate;
import dev.kiln.ir.prim.Pad;
import dev.kiln.ir.prim.Rev;
import dev.kiln.ir.prim.Slice;
import dev.kiln.ir.prim.Transpose;
import dev.kiln.tracer.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * VJP rules of the primitives that move elements without arithmetic: each one's transpose is
 * another layout primitive (broadcast ↔ sum, slice ↔ pad, concatenate ↔ slices).
 */
final class LayoutVjp {
    private LayoutVjp() {
    }

    /** Sums over the broadcast dimensions (new ones, and size-1 ones that were stretched). */
    static Tensor[] broadcastInDim(BroadcastInDim b, VjpCall c) {
        var x = c.inType(0);
        Ints bd = b.broadcastDimensions();
        List<Integer> summed = new ArrayList<>();
        for (int d = 0; d < b.shape().rank(); d++) {
            int i = bd.indexOf(d);
            if (i < 0 || (x.dim(i) == 1 && b.shape().dim(d) != 1)) {
                summed.add(d);
            }
        }
        Tensor s = c.e().reduceSum(c.ct(), summed.stream().mapToInt(Integer::intValue).toArray());
        Tensor[] out = c.none();
        out[0] = c.e().reshape(s, x.shape());
        return out;
    }

    static Tensor[] reshape(VjpCall c) {
        Tensor[] out = c.none();
        out[0] = c.e().reshape(c.ct(), c.inType(0).shape());
        return out;
    }

    static Tensor[] transpose(Transpose t, VjpCall c) {
        Tensor[] out = c.none();
        out[0] = c.e().transpose(c.ct(), Emitter.inverse(t.permutation().toArray()));
        return out;
    }

    static Tensor[] rev(Rev r, VjpCall c) {
        Tensor[] out = c.none();
        out[0] = c.e().bind(r, c.ct());
        return out;
    }

    /** Scatters the cotangent back into place: zero padding with interior = stride - 1. */
    static Tensor[] slice(Slice s, VjpCall c) {
        var x = c.inType(0);
        int r = x.rank();
        int[] low = new int[r], high = new int[r], interior = new int[r];
        for (int i = 0; i < r; i++) {
            int start = s.start().get(i), stride = s.strides().get(i), n = c.ct().shape().dim(i);
            int covered = n == 0 ? 0 : (n - 1) * stride + 1;
            low[i] = start;
            high[i] = x.dim(i) - start - covered;
            interior[i] = stride - 1;
        }
        Tensor[] out = c.none();
        out[0] = c.e().pad(c.ct(), 0, low, high, interior);
        return out;
    }

    /**
     * Undoes the edge padding (negated low/high padding: cropped elements come back as zeros),
     * then drops the interior padding with a strided slice. The padding value receives the
     * cotangent of every padded position: the total minus what the operand received.
     */
    static Tensor[] pad(Pad p, VjpCall c) {
        Emitter e = c.e();
        int r = c.inType(0).rank();
        int[] negLow = p.low().stream().map(v -> -v).toArray();
        int[] negHigh = p.high().stream().map(v -> -v).toArray();
        Tensor unpadded = e.pad(c.ct(), 0, negLow, negHigh, new int[r]);
        int[] strides = p.interior().stream().map(v -> v + 1).toArray();
        Tensor operandCt = e.slice(unpadded, new int[r], unpadded.dims(), strides);
        Tensor[] out = c.none();
        out[0] = c.needs(0) ? operandCt : null;
        if (c.needs(1)) {
            out[1] = e.sub(e.sumAll(c.ct()), e.sumAll(operandCt));
        }
        return out;
    }

    static Tensor[] concatenate(Concatenate cat, VjpCall c) {
        int axis = cat.dimension();
        Tensor ct = c.ct();
        Tensor[] out = c.none();
        int offset = 0;
        for (int i = 0; i < c.arity(); i++) {
            int size = c.inType(i).dim(axis);
            if (c.needs(i)) {
                int[] start = new int[ct.rank()], limit = ct.dims(), strides = new int[ct.rank()];
                java.util.Arrays.fill(strides, 1);
                start[axis] = offset;
                limit[axis] = offset + size;
                out[i] = c.e().slice(ct, start, limit, strides);
            }
            offset += size;
        }
        return out;
    }
}
