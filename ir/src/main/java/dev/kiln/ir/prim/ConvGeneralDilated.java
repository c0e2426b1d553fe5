package dev.kiln.ir.prim;

import dev.kiln.ir.Ints;

/**
 * An N-d convolution (cross-correlation) in XLA's general form, with a fixed layout: lhs
 * {@code [N, C, spatial...]}, rhs {@code [O, I, spatial...]}, output {@code [N', O, spatial'...]}.
 * {@code lhsDilation} inserts holes between input elements (transposed convolutions),
 * {@code rhsDilation} between kernel taps (atrous). With {@code featureGroupCount} G, C = I*G and
 * output features split into G groups; with {@code batchGroupCount} B, N' = N/B and output
 * features split into B groups each seeing one slice of the batch (the kernel-gradient form).
 */
public record ConvGeneralDilated(Ints windowStrides, Ints padLow, Ints padHigh, Ints lhsDilation,
                                 Ints rhsDilation, int featureGroupCount, int batchGroupCount) implements Primitive {
    @Override
    public String name() {
        return "conv_general_dilated";
    }

    public int spatialRank() {
        return windowStrides.size();
    }

    /** A plain convolution with the given strides and symmetric padding, no dilation or groups. */
    public static ConvGeneralDilated simple(Ints strides, Ints padding) {
        int n = strides.size();
        return new ConvGeneralDilated(strides, padding, padding, Ints.filled(n, 1), Ints.filled(n, 1), 1, 1);
    }
}
