package dev.kiln.ir.interp;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Shape;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.BroadcastInDim;
import dev.kiln.ir.prim.Iota;
import dev.kiln.ir.prim.Pad;
import dev.kiln.ir.prim.Rev;
import dev.kiln.ir.prim.Slice;
import dev.kiln.ir.prim.Transpose;
import java.util.List;

/**
 * Evaluation of the creation and data-movement primitives: iota, broadcast_in_dim, reshape,
 * transpose, rev, slice, pad and concatenate. Each computes, for every result element, the flat
 * index of the operand element it copies (an {@link IndexMaps index map}), then copies in one
 * typed loop, so these work on every dtype alike.
 */
final class LayoutEval {
    private LayoutEval() {
    }

    static ArrayData iota(Iota p, TensorType out) {
        int[] strides = new int[out.rank()];
        strides[p.dimension()] = 1;
        int[] positions = IndexMaps.affine(out.shape(), 0, strides);
        double[] values = new double[positions.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = positions[i];
        }
        return Buffers.fromDoubles(out, values);
    }

    static ArrayData broadcastInDim(BroadcastInDim p, ArrayData x, TensorType out) {
        int[] xStrides = x.shape().strides();
        int[] strides = new int[out.rank()];
        for (int i = 0; i < x.shape().rank(); i++) {
            // A size-1 operand dimension repeats its one element along the target dimension.
            strides[p.broadcastDimensions().get(i)] = x.shape().dim(i) == 1 ? 0 : xStrides[i];
        }
        return Buffers.gather(x, IndexMaps.affine(out.shape(), 0, strides), out);
    }

    static ArrayData reshape(ArrayData x, TensorType out) {
        // Row-major order is unchanged; copy so that results never alias operands.
        return x.copy().reshape(out.shape());
    }

    static ArrayData transpose(Transpose p, ArrayData x, TensorType out) {
        int[] xStrides = x.shape().strides();
        int[] strides = new int[out.rank()];
        for (int i = 0; i < strides.length; i++) {
            strides[i] = xStrides[p.permutation().get(i)];
        }
        return Buffers.gather(x, IndexMaps.affine(out.shape(), 0, strides), out);
    }

    static ArrayData rev(Rev p, ArrayData x, TensorType out) {
        int[] strides = x.shape().strides();
        int offset = 0;
        for (int i = 0; i < p.dimensions().size(); i++) {
            int d = p.dimensions().get(i);
            offset += (x.shape().dim(d) - 1) * strides[d];
            strides[d] = -strides[d];
        }
        return Buffers.gather(x, IndexMaps.affine(out.shape(), offset, strides), out);
    }

    static ArrayData slice(Slice p, ArrayData x, TensorType out) {
        int[] xStrides = x.shape().strides();
        int[] strides = new int[out.rank()];
        int offset = 0;
        for (int d = 0; d < strides.length; d++) {
            offset += p.start().get(d) * xStrides[d];
            strides[d] = p.strides().get(d) * xStrides[d];
        }
        return Buffers.gather(x, IndexMaps.affine(out.shape(), offset, strides), out);
    }

    /**
     * Result position {@code o} of a dimension holds operand element {@code (o - low) / (interior + 1)}
     * when {@code o - low} is a non-negative multiple of {@code interior + 1} inside the operand, and
     * the padding value otherwise; negative {@code low}/{@code high} simply shift that window so
     * the cropped elements are never read.
     */
    static ArrayData pad(Pad p, ArrayData x, ArrayData value, TensorType out) {
        Shape xs = x.shape();
        int[] xStrides = xs.strides();
        int[][] terms = new int[out.rank()][];
        for (int d = 0; d < out.rank(); d++) {
            int step = p.interior().get(d) + 1;
            terms[d] = new int[out.dim(d)];
            for (int o = 0; o < out.dim(d); o++) {
                int q = o - p.low().get(d);
                boolean hit = q >= 0 && q % step == 0 && q / step < xs.dim(d);
                terms[d][o] = hit ? q / step * xStrides[d] : -1;
            }
        }
        return Buffers.gather(x, IndexMaps.separable(out.shape(), terms), out, value.getDouble(0));
    }

    /** Copies, for each index of the dimensions before {@code dimension}, one block of every operand in turn. */
    static ArrayData concatenate(int dimension, List<ArrayData> xs, TensorType out) {
        ArrayData result = ArrayData.zeros(out);
        Object dst = result.storage();
        int outer = IndexMaps.product(out.shape(), 0, dimension);
        int pos = 0;
        for (int o = 0; o < outer; o++) {
            for (ArrayData x : xs) {
                int block = IndexMaps.product(x.shape(), dimension, x.shape().rank());
                System.arraycopy(x.storage(), o * block, dst, pos, block);
                pos += block;
            }
        }
        return result;
    }
}
