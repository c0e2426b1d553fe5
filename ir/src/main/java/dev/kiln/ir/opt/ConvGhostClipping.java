package dev.kiln.ir.opt;

import dev.kiln.ir.Atom;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Shape;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.Concatenate;
import dev.kiln.ir.prim.ConvGeneralDilated;
import dev.kiln.ir.prim.Pad;
import dev.kiln.ir.prim.Reshape;
import dev.kiln.ir.prim.Slice;
import java.util.ArrayList;
import java.util.List;

/**
 * DP-SGD clipping of a convolution's per-example weight gradients ("ghost clipping" for
 * convolutions, Li et al. 2022; Bu et al. 2023). Under {@code vmap} the weight gradient of a
 * convolution becomes one convolution with {@code feature_group_count = B}: lhs the activations
 * {@code X [Cin, B, H..]} (examples as features), rhs the output cotangents {@code D [B*Cout, 1,
 * K..]} (the forward output positions as the kernel), giving {@code [Cin, B*Cout, S..]} (the
 * forward kernel taps), reshaped to {@code G [Cin, B, Cout, S..]}. Per example,
 * {@code G_b[c, o, s] = sum_k P_b[c, s, k] D_b[o, k]} with {@code P_b[c, s, k]} the padded input
 * at position {@code s*stride + k*rhsDilation}: the patches of the forward convolution.
 *
 * <ul>
 *   <li>Squared norm: {@code |G_b|^2 = sum_{k,l} (P_b^T P_b)[k,l] (D_b^T D_b)[k,l]}, two batched
 *       Gram contractions {@code [B, K.., K..]}; the patches are slices of the padded input
 *       (examples first, features last), one per tap, concatenated along the feature axis.
 *   <li>Weighted sum: {@code sum_b w[b] G_b} is one ordinary convolution ({@code
 *       feature_group_count = 1}) of {@code X} with {@code D} as {@code [Cout, B, K..]} and
 *       {@code w} folded into the smaller operand: the non-private weight-gradient convolution.
 * </ul>
 *
 * As in {@link GhostClipping}, {@link ClippingCost} decides: the Gram matrices cost
 * {@code B K^2 (Cin S + Cout)} multiply-accumulates, against {@code B K Cin S Cout} and a dense
 * pass for the materialised gradient, so small feature maps (small {@code K}) are rewritten and
 * large ones are not. Results equal the original up to floating-point reassociation.
 */
public final class ConvGhostClipping implements GraphPass {
    /** Whether to rewrite: never, as the costs say, or whatever they say. */
    enum Mode { OFF, COSTED, ALWAYS }

    private final Mode mode;

    /**
     * The pass as the standard pipeline runs it: costed, unless the system property
     * {@code kiln.convGhost} says {@code false} (off) or {@code always} (for before/after
     * measurements of the same build).
     */
    public ConvGhostClipping() {
        this(switch (System.getProperty("kiln.convGhost", "")) {
            case "false" -> Mode.OFF;
            case "always" -> Mode.ALWAYS;
            default -> Mode.COSTED;
        });
    }

    /** With {@link Mode#ALWAYS}, every matching gradient is rewritten whatever it costs (tests use tiny shapes). */
    ConvGhostClipping(Mode mode) {
        this.mode = mode;
    }

    @Override
    public String name() {
        return "dp-ghost-conv";
    }

    @Override
    public Graph run(Graph g) {
        if (mode == Mode.OFF || !GraphPass.applies(g, ConvGeneralDilated.class)) {
            return g;
        }
        GraphIndex index = GraphIndex.of(g);
        ClippingPlan plan = new ClippingPlan();
        for (Equation eq : g.equations()) {
            if (eq.primitive() instanceof Reshape) {
                Equation conv = index.definition(eq.input(0));
                if (conv != null && conv.primitive() instanceof ConvGeneralDilated p && matches(eq, conv, p, index)) {
                    PerExampleUses uses = PerExampleUses.of(eq.out(), 1, index);
                    if (!uses.isEmpty()) {
                        new Candidate(conv, p, uses).plan(plan, mode == Mode.COSTED);
                    }
                }
            }
        }
        return plan.apply(g);
    }

    /**
     * Whether {@code reshape} splits the output features of a per-example weight-gradient
     * convolution into {@code [B, Cout]} and is the convolution's only reader: lhs
     * {@code [N, B, ..]}, rhs {@code [B*Cout, 1, ..]}, {@code B} feature groups. Any strides,
     * dilations and padding: negative padding (a strided layer's gradient crops the rows its last
     * window skips) is a crop by the same {@code pad}.
     */
    private static boolean matches(Equation reshape, Equation conv, ConvGeneralDilated p, GraphIndex index) {
        TensorType lhs = conv.input(0).type(), rhs = conv.input(1).type(), out = conv.out().type();
        int f = p.featureGroupCount();
        if (f < 2 || p.batchGroupCount() != 1 || !out.dtype().isFloating() || out.numel() == 0
                || lhs.dim(1) != f || rhs.dim(1) != 1 || rhs.dim(0) % f != 0
                || index.isOutput(conv.out()) || index.readers(conv.out()).size() != 1) {
            return false;
        }
        int[] split = new int[out.rank() + 1];
        split[0] = out.dim(0);
        split[1] = f;
        split[2] = out.dim(1) / f;
        for (int a = 2; a < out.rank(); a++) {
            split[a + 1] = out.dim(a);
        }
        return reshape.out().shape().equals(Shape.of(split));
    }

    /** One per-example weight-gradient convolution and the reads of its gradient. */
    private record Candidate(Equation conv, ConvGeneralDilated p, PerExampleUses uses) {
        TensorType lhs() {
            return conv.input(0).type();
        }

        TensorType rhs() {
            return conv.input(1).type();
        }

        int batch() {
            return p.featureGroupCount();
        }

        int cout() {
            return rhs().dim(0) / batch();
        }

        /** The forward output positions (the rhs spatial dims) and kernel taps (the output spatial dims). */
        double k() {
            return spatial(rhs());
        }

        double s() {
            return spatial(conv.out().type());
        }

        void plan(ClippingPlan plan, boolean costed) {
            double n = lhs().dim(0), b = batch(), o = cout(), k = k(), s = s();
            double dense = n * b * o * s;
            double macs = dense * k;
            double padded = n * b * spatial(padded(lhs()));
            double normNew = n * b * spatial(lhs()) + padded + 2 * n * b * s * k + ClippingCost.MAC * b * k * k * (n * s + o)
                    + b * k * (n * s + o) + 3 * b * k * k;
            double sumNew = Math.min(n * b * spatial(lhs()), o * b * k) + ClippingCost.MAC * macs;
            double materialise = ClippingCost.MAC * macs + dense;
            ClippingPlan.Choice choice = costed ? ClippingPlan.choose(uses, normNew, dense, sumNew, dense, materialise)
                    : new ClippingPlan.Choice(true, true);
            if (choice.norms()) {
                uses.squaredNorms().forEach(r -> plan.replace(r, this::squaredNorms));
            }
            if (choice.sums()) {
                uses.weightedSums().forEach(w -> plan.replace(w.consumer(), e -> weightedSum(e, w.weights())));
            }
        }

        /** {@code [B]}: {@code |G_b|^2} from the patches' and the cotangents' Gram matrices. */
        Atom squaredNorms(Emitter e) {
            int d = p.spatialRank();
            Atom patches = patches(e, e.in(conv.input(0)));
            Atom pp = e.dot(patches, patches, Ints.of(d + 1), Ints.of(d + 1), Ints.of(0), Ints.of(0));
            Atom dd = cotangents(e);
            Atom ddGram = e.dot(dd, dd, Ints.of(1), Ints.of(1), Ints.of(0), Ints.of(0));
            return e.sum(e.mul(pp, ddGram), Ints.range(1, 1 + 2 * d));
        }

        /**
         * {@code [B, K.., S*Cin]}: for each tap {@code s} (row-major over the output spatial
         * dims), the padded input at {@code s*stride + k*rhsDilation} for every {@code k}. Examples
         * first and features last, so that each example's patches are one row-major
         * {@code [K, S*Cin]} matrix whose Gram matrix contracts contiguous rows.
         */
        Atom patches(Emitter e, Atom x) {
            int d = p.spatialRank();
            int[] toLast = new int[d + 2];
            toLast[0] = 1;
            for (int a = 0; a < d; a++) {
                toLast[a + 1] = a + 2;
            }
            Atom xp = padded(e, e.transpose(x, toLast));
            int[] taps = spatialDims(conv.out().type());
            int[] kdims = spatialDims(rhs());
            List<Atom> slices = new ArrayList<>();
            int[] tap = new int[d];
            for (int t = 0; t < (int) s(); t++) {
                int[] start = new int[d + 2], limit = xp.shape().toArray(), strides = new int[d + 2];
                java.util.Arrays.fill(strides, 1);
                for (int a = 0; a < d; a++) {
                    int from = tap[a] * p.windowStrides().get(a), step = p.rhsDilation().get(a);
                    start[a + 1] = from;
                    limit[a + 1] = from + (kdims[a] - 1) * step + 1;
                    strides[a + 1] = step;
                }
                slices.add(e.emit(new Slice(Ints.of(start), Ints.of(limit), Ints.of(strides)), xp));
                for (int a = d - 1; a >= 0 && ++tap[a] == taps[a]; a--) {
                    tap[a] = 0;
                }
            }
            return slices.size() == 1 ? slices.get(0) : e.emit(new Concatenate(d + 1), slices.toArray(Atom[]::new));
        }

        /**
         * The lhs as {@code [B, H.., Cin]} with the convolution's padding (zeros, or a crop where
         * negative) and lhs dilation made explicit.
         */
        Atom padded(Emitter e, Atom x) {
            int d = p.spatialRank();
            int[] low = new int[d + 2], high = new int[d + 2], interior = new int[d + 2];
            boolean any = false;
            for (int a = 0; a < d; a++) {
                low[a + 1] = p.padLow().get(a);
                high[a + 1] = p.padHigh().get(a);
                interior[a + 1] = p.lhsDilation().get(a) - 1;
                any |= low[a + 1] != 0 || high[a + 1] != 0 || interior[a + 1] != 0;
            }
            return any ? e.emit(new Pad(Ints.of(low), Ints.of(high), Ints.of(interior)), x, e.scalar(0, x.dtype())) : x;
        }

        TensorType padded(TensorType x) {
            int[] dims = x.shape().toArray();
            for (int a = 0; a < p.spatialRank(); a++) {
                int in = dims[a + 2];
                dims[a + 2] = in + (in - 1) * (p.lhsDilation().get(a) - 1) + p.padLow().get(a) + p.padHigh().get(a);
            }
            return x.withShape(Shape.of(dims));
        }

        /** {@code [B, Cout, K..]}: the rhs with its features split per example. */
        Atom cotangents(Emitter e) {
            int[] dims = rhs().shape().toArray();
            int[] split = new int[dims.length];
            split[0] = batch();
            split[1] = cout();
            System.arraycopy(dims, 2, split, 2, dims.length - 2);
            return e.reshape(e.in(conv.input(1)), Shape.of(split));
        }

        /** {@code sum_b w[b] G_b}: the convolution of {@code X} with {@code w[b] D_b} as one kernel {@code [Cout, B, K..]}. */
        Atom weightedSum(Emitter e, Atom weights) {
            Atom x = e.in(conv.input(0)), dd = cotangents(e), w = e.in(weights);
            if (x.type().numel() <= dd.type().numel()) {
                x = e.scaleAlong(x, 1, w);
            } else {
                dd = e.scaleAlong(dd, 0, w);
            }
            int[] perm = Ints.range(dd.type().rank()).toArray();
            perm[0] = 1;
            perm[1] = 0;
            Atom kernel = e.transpose(dd, perm);
            ConvGeneralDilated plain = new ConvGeneralDilated(p.windowStrides(), p.padLow(), p.padHigh(),
                    p.lhsDilation(), p.rhsDilation(), 1, 1);
            return e.emit(plain, x, kernel);
        }
    }

    private static int[] spatialDims(TensorType t) {
        int[] dims = new int[t.rank() - 2];
        for (int a = 2; a < t.rank(); a++) {
            dims[a - 2] = t.dim(a);
        }
        return dims;
    }

    private static double spatial(TensorType t) {
        return ClippingCost.product(spatialDims(t));
    }
}
