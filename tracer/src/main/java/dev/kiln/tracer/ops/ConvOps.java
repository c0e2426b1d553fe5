package dev.kiln.tracer.ops;

import dev.kiln.ir.DType;
import dev.kiln.ir.Ints;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.SourceLocation;
import dev.kiln.ir.prim.ConvGeneralDilated;
import dev.kiln.ir.prim.ReduceWindow;
import dev.kiln.ir.prim.WindowKind;
import dev.kiln.tracer.Dispatch;
import dev.kiln.tracer.Tensor;
import java.util.Arrays;

/**
 * Convolutions and pooling in PyTorch's NCHW layout: {@code conv2d} over {@code
 * conv_general_dilated} (a cross-correlation, as in PyTorch: the kernel is not flipped), and
 * max / average pooling over {@code reduce_window}.
 *
 * <p>Padding is given per spatial dimension as {@code {ph, pw}} (both sides equal), or per side as
 * {@code {top, bottom, left, right}}; a single int pads all four sides.
 */
public final class ConvOps {
    private ConvOps() {
    }

    /** {@code conv2d} with stride 1, no padding, no dilation, one group. */
    public static Tensor conv2d(Tensor x, Tensor w) {
        return conv2d(x, w, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1);
    }

    /** {@code conv2d} with the same stride and zero padding for both spatial dimensions. */
    public static Tensor conv2d(Tensor x, Tensor w, int stride, int padding) {
        return conv2d(x, w, new int[] {stride, stride}, new int[] {padding}, new int[] {1, 1}, 1);
    }

    /**
     * A 2-d convolution (cross-correlation) of {@code x [N, C, H, W]} with {@code w [O, C/groups,
     * kh, kw]}, giving {@code [N, O, H', W']}, as PyTorch's {@code F.conv2d}.
     *
     * @param stride   {@code {sh, sw}} or {@code {s}}
     * @param padding  zero padding: {@code {p}}, {@code {ph, pw}} or {@code {top, bottom, left, right}}
     * @param dilation {@code {dh, dw}} or {@code {d}}: spacing between kernel taps
     * @param groups   input and output channels split into this many independent groups
     */
    public static Tensor conv2d(Tensor x, Tensor w, int[] stride, int[] padding, int[] dilation, int groups) {
        String op = "conv2d";
        checkRank(op, x, 4, "input", "[N, C, H, W]", "add a batch dimension with x.expandDims(0)");
        checkRank(op, w, 4, "weight", "[O, I, kh, kw]", "conv2d weights are [out_channels, in_channels/groups, kh, kw]");
        int[] s = pair(op, "stride", stride);
        int[] d = pair(op, "dilation", dilation);
        int[] p = sides(op, padding);
        if (groups < 1) {
            throw error(op, "groups must be >= 1, got " + groups, null);
        }
        int channels = x.dim(1), perGroup = w.dim(1), out = w.dim(0);
        if (channels != perGroup * groups) {
            throw error(op, "input has " + channels + " channels but weight " + w.shape() + " expects " + perGroup
                    + " x groups " + groups + " (input " + x.type() + ", weight " + w.type() + ")",
                    "the weight's dim 1 is in_channels / groups; check the layer's in_channels");
        }
        if (out % groups != 0) {
            throw error(op, "weight " + w.type() + " has " + out + " output channels, not divisible by groups " + groups, null);
        }
        for (int i = 0; i < 2; i++) {
            if (s[i] < 1 || d[i] < 1) {
                throw error(op, "stride " + Arrays.toString(stride) + " and dilation " + Arrays.toString(dilation)
                        + " must be >= 1", null);
            }
            int padded = x.dim(2 + i) + p[2 * i] + p[2 * i + 1];
            int window = (w.dim(2 + i) - 1) * d[i] + 1;
            if (window > padded) {
                throw error(op, "kernel " + w.dim(2) + "x" + w.dim(3) + (d[0] * d[1] > 1 ? " with dilation " + d[0] + "x" + d[1] : "")
                        + " is larger than the padded input " + (x.dim(2) + p[0] + p[1]) + "x" + (x.dim(3) + p[2] + p[3])
                        + " (input " + x.type() + ", padding " + Arrays.toString(p) + ")",
                        "pad the input, use a smaller kernel, or pool less before this layer");
            }
        }
        ConvGeneralDilated prim = new ConvGeneralDilated(Ints.of(s), Ints.of(p[0], p[2]), Ints.of(p[1], p[3]),
                Ints.of(1, 1), Ints.of(d), groups, 1);
        return bindConv(prim, x, w);
    }

    /**
     * The general N-d convolution (lax's {@code conv_general_dilated}) in the fixed layout
     * {@code x [N, C, spatial...]}, {@code w [O, I, spatial...]}: window strides, low / high padding,
     * input (lhs) and kernel (rhs) dilation, feature and batch group counts, one entry per spatial
     * dimension.
     */
    public static Tensor convGeneral(Tensor x, Tensor w, int[] strides, int[] padLow, int[] padHigh,
                                     int[] lhsDilation, int[] rhsDilation, int featureGroups, int batchGroups) {
        int n = strides.length;
        if (x.rank() != n + 2 || w.rank() != n + 2) {
            throw error("conv_general_dilated", "with " + n + " spatial dimensions (strides " + Arrays.toString(strides)
                    + ") needs input [N, C, " + n + " spatial] and weight [O, I, " + n + " spatial], got "
                    + x.type() + " and " + w.type(), null);
        }
        return bindConv(new ConvGeneralDilated(Ints.of(strides), Ints.of(padLow), Ints.of(padHigh),
                Ints.of(lhsDilation), Ints.of(rhsDilation), featureGroups, batchGroups), x, w);
    }

    private static Tensor bindConv(ConvGeneralDilated prim, Tensor x, Tensor w) {
        DType dt = Broadcasting.promote(x.dtype(), w.dtype());
        if (!dt.isFloating()) {
            dt = DType.F32;
        }
        return Dispatch.bind(prim, ElementwiseOps.convert(x, dt), ElementwiseOps.convert(w, dt));
    }

    // ---------------------------------------------------------------- pooling

    /** Max pooling of the last two dimensions with a square window and stride equal to it. */
    public static Tensor maxPool2d(Tensor x, int kernel) {
        return maxPool2d(x, kernel, kernel, 0);
    }

    /**
     * Max pooling of the last two dimensions of {@code x [N, C, H, W]} (or {@code [C, H, W]}), as
     * PyTorch's {@code F.max_pool2d} (floor mode): padding counts as -infinity, so it is never
     * selected.
     */
    public static Tensor maxPool2d(Tensor x, int kernel, int stride, int padding) {
        return pool("maxPool2d", WindowKind.MAX, x, kernel, stride, padding);
    }

    /** Average pooling with a square window and stride equal to it. */
    public static Tensor avgPool2d(Tensor x, int kernel) {
        return avgPool2d(x, kernel, kernel, 0);
    }

    /**
     * Average pooling of the last two dimensions, as PyTorch's {@code F.avg_pool2d} with its
     * defaults (floor mode, {@code count_include_pad=True}): every window sum is divided by
     * {@code kernel * kernel}, also at the borders where part of the window is zero padding.
     */
    public static Tensor avgPool2d(Tensor x, int kernel, int stride, int padding) {
        if (!x.dtype().isFloating()) {
            x = ElementwiseOps.convert(x, DType.F32);
        }
        return pool("avgPool2d", WindowKind.SUM, x, kernel, stride, padding).div((double) kernel * kernel);
    }

    /** The mean over the spatial dimensions: {@code [N, C, H, W]} to {@code [N, C]}. */
    public static Tensor globalAvgPool(Tensor x) {
        checkRank("globalAvgPool", x, 4, "input", "[N, C, H, W]", null);
        return ReduceOps.mean(x, new int[] {2, 3}, false);
    }

    private static Tensor pool(String op, WindowKind kind, Tensor x, int kernel, int stride, int padding) {
        if (x.rank() != 3 && x.rank() != 4) {
            throw error(op, "input must be [N, C, H, W] or [C, H, W], got " + x.type(), null);
        }
        if (x.dtype() == DType.BOOL) {
            throw error(op, "is not defined on bool, got " + x.type(), "convert first, e.g. x.astype(DType.F32)");
        }
        if (kernel < 1 || stride < 1 || padding < 0) {
            throw error(op, "kernel " + kernel + " and stride " + stride + " must be >= 1 and padding " + padding
                    + " >= 0", null);
        }
        if (2 * padding > kernel) {
            throw error(op, "padding " + padding + " must be at most half the kernel " + kernel,
                    "PyTorch has the same limit: a window of only padding would pool nothing");
        }
        int r = x.rank();
        int h = x.dim(r - 2) + 2 * padding, w = x.dim(r - 1) + 2 * padding;
        if (kernel > h || kernel > w) {
            throw error(op, "kernel " + kernel + "x" + kernel + " is larger than the padded input " + h + "x" + w
                    + " (input " + x.type() + ", padding " + padding + ")", "use a smaller kernel or pool less earlier");
        }
        int[] window = ones(r), strides = ones(r), pad = new int[r];
        window[r - 2] = window[r - 1] = kernel;
        strides[r - 2] = strides[r - 1] = stride;
        pad[r - 2] = pad[r - 1] = padding;
        return Dispatch.bind(new ReduceWindow(kind, Ints.of(window), Ints.of(strides), Ints.of(pad), Ints.of(pad)), x);
    }

    // ---------------------------------------------------------------- argument checks

    private static void checkRank(String op, Tensor t, int rank, String what, String layout, String hint) {
        if (t.rank() != rank) {
            throw error(op, what + " must be " + layout + ", got " + t.type(), hint);
        }
    }

    /** {@code {a}} or {@code {a, b}} as a pair. */
    private static int[] pair(String op, String what, int[] v) {
        return switch (v.length) {
            case 1 -> new int[] {v[0], v[0]};
            case 2 -> v.clone();
            default -> throw error(op, what + " needs 1 or 2 entries, got " + Arrays.toString(v), null);
        };
    }

    /** Padding as {@code {top, bottom, left, right}}. */
    private static int[] sides(String op, int[] p) {
        int[] s = switch (p.length) {
            case 1 -> new int[] {p[0], p[0], p[0], p[0]};
            case 2 -> new int[] {p[0], p[0], p[1], p[1]};
            case 4 -> p.clone();
            default -> throw error(op, "padding needs 1, 2 or 4 entries ({p}, {ph, pw} or {top, bottom, left, right}), got "
                    + Arrays.toString(p), null);
        };
        for (int v : s) {
            if (v < 0) {
                throw error(op, "padding must be >= 0, got " + Arrays.toString(p), "crop with slice instead");
            }
        }
        return s;
    }

    private static int[] ones(int n) {
        int[] a = new int[n];
        Arrays.fill(a, 1);
        return a;
    }

    private static KilnException error(String op, String detail, String hint) {
        return new KilnException(op, detail, SourceLocation.ofCaller(), hint);
    }
}
