package dev.kiln.codegen.jvm.kernels;

import dev.kiln.ir.DType;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.ConvGeneralDilated;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code conv_general_dilated}, prepared once per (primitive, operand types): any spatial rank,
 * strides, padding (negative too), lhs and rhs dilation, feature and batch groups, with the
 * semantics of {@link ConvGeometry} (those of the reference interpreter).
 *
 * <p>f32 picks a plan by shape:
 * <ul>
 * <li>{@link ConvBlockRowsPlan}: the per-example kernel gradients (grouped, at most 64 outputs a
 *     map; the CIFAR CNN's from 16x16 down, both of the MNIST CNN's) but for long kernels: the
 *     rows plan's products, the output stored as contiguous blocks per example through a
 *     transposed tile;
 * <li>{@link ConvRowsPlan}: small feature maps, 256 output positions or fewer (the MNIST CNN's
 *     convolutions, forward and backward, but for one kernel gradient; the CIFAR CNN's from
 *     16x16 down), except kernel gradients with long kernels: implicit GEMM
 *     with output positions over examples as rows, gathered through offset tables, lhs dilation
 *     split into output phases that skip the holes;
 * <li>{@link ConvShiftedPlan}: larger maps with little junk on the padded grid (the CIFAR CNN's
 *     32x32 forward convolutions and input gradients): implicit im2col, the GEMM reading shifted views of a
 *     padded (polyphase for strides) copy of the input, lhs dilation split into output phases;
 * <li>{@link ConvDotPlan}: no lhs dilation, a kernel at least as big as the output (the kernel
 *     gradients, per-example or not): inner products along the kernel taps, reading a widened
 *     kernel and a padded (polyphase for rhs dilation) input in place;
 * <li>{@link ConvIm2colPlan}: everything else (small kernels with small outputs, lhs dilation
 *     with strides): explicit im2col + GEMM, tiled over groups and columns, depth split across
 *     lanes when tiles are few.
 * </ul>
 * f64 runs the direct loop ({@link ConvDirect}): correct, parallel over output maps, no scratch.
 *
 * <p>All buffers are (array, offset) pairs; a run needs {@link #scratchSize()} elements of scratch
 * and may be called from several threads at once when each has its own output and scratch.
 */
public final class ConvKernel {
    /** Wide-grid columns per real output position above which the shifted plan is not used. */
    static final double MAX_JUNK = 1.5;

    private final ConvGeometry g;
    private final ConvTables tables;
    private final TensorType outType;
    private final DType dtype;
    private final ConvPlan plan;

    private ConvKernel(ConvGeometry g, TensorType lhs, ConvPlan forced) {
        this.g = g;
        this.tables = ConvTables.of(g);
        this.outType = g.outType(lhs);
        this.dtype = lhs.dtype();
        this.plan = dtype != DType.F32 || trivial(g) ? null : forced != null ? forced : choose(g, tables);
    }

    private static boolean trivial(ConvGeometry g) {
        return ConvGeometry.product(g.out()) == 0 || g.outBatch() == 0 || g.o() == 0 || g.depth() == 0;
    }

    /** Plans {@code p} on operands of types {@code lhs} and {@code rhs} (validated by the shape rule). */
    public static ConvKernel prepare(ConvGeneralDilated p, TensorType lhs, TensorType rhs) {
        return new ConvKernel(ConvGeometry.of(p, lhs, rhs), lhs, null);
    }

    /** One kernel per f32 plan able to compute this shape, whatever its speed (tests compare them). */
    static List<ConvKernel> everyPlan(ConvGeneralDilated p, TensorType lhs, TensorType rhs) {
        ConvGeometry g = ConvGeometry.of(p, lhs, rhs);
        List<ConvKernel> all = new ArrayList<>();
        if (trivial(g)) {
            return all;
        }
        all.add(new ConvKernel(g, lhs, new ConvIm2colPlan(g, ConvTables.of(g))));
        ConvShiftedPlan shifted = ConvShiftedPlan.of(g);
        if (shifted != null) {
            all.add(new ConvKernel(g, lhs, shifted));
        }
        if (lhsUndilated(g)) {
            all.add(new ConvKernel(g, lhs, new ConvDotPlan(g)));
        }
        ConvRowsPlan rows = ConvRowsPlan.of(g);
        if (rows != null) {
            all.add(new ConvKernel(g, lhs, rows));
        }
        ConvBlockRowsPlan blocks = ConvBlockRowsPlan.of(g);
        if (blocks != null) {
            all.add(new ConvKernel(g, lhs, blocks));
        }
        return all;
    }

    /** No lhs dilation: the implicit-im2col plans read shifted views of a padded (polyphase) input. */
    static boolean lhsUndilated(ConvGeometry g) {
        for (int s = 0; s < g.rank(); s++) {
            if (g.lhsDilation()[s] != 1) {
                return false;
            }
        }
        return g.rank() > 0;
    }

    private static ConvPlan choose(ConvGeometry g, ConvTables tables) {
        ConvBlockRowsPlan blocks = ConvBlockRowsPlan.suits(g) ? ConvBlockRowsPlan.of(g) : null;
        if (blocks != null) {
            return blocks;
        }
        ConvRowsPlan rows = ConvRowsPlan.suits(g) ? ConvRowsPlan.of(g) : null;
        if (rows != null) {
            return rows;
        }
        if (ConvDotPlan.suits(g)) {
            return new ConvDotPlan(g);
        }
        ConvShiftedPlan shifted = ConvShiftedPlan.of(g);
        if (shifted != null && shifted.junkRatio() <= MAX_JUNK) {
            return shifted;
        }
        return new ConvIm2colPlan(g, tables);
    }

    public TensorType outType() {
        return outType;
    }

    /** Elements of scratch (of the operands' dtype) one run needs: none for f64. */
    public int scratchSize() {
        return plan == null ? 0 : plan.scratchSize();
    }

    public void run(float[] lhs, int lo, float[] rhs, int ro, float[] out, int oo, float[] scratch, int so) {
        expect(DType.F32);
        if (outType.numel() == 0) {
            return;
        }
        if (g.depth() == 0) {
            Arrays.fill(out, oo, oo + outType.numel(), 0f);
            return;
        }
        plan.run(lhs, lo, rhs, ro, out, oo, scratch, so);
    }

    public void run(double[] lhs, int lo, double[] rhs, int ro, double[] out, int oo) {
        expect(DType.F64);
        ConvDirect.run(g, tables, lhs, lo, rhs, ro, out, oo);
    }

    private void expect(DType d) {
        if (d != dtype) {
            throw new IllegalStateException("conv kernel prepared for " + dtype + " run on " + d + " arrays");
        }
    }

    @Override
    public String toString() {
        return "conv kernel -> " + outType + " [" + (plan == null ? "direct f64" : plan.toString()) + "]";
    }
}
