package dev.kiln.privacy;

import dev.kiln.ir.DType;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.SourceLocation;
import dev.kiln.tracer.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-example gradient clipping, the first half of DP-SGD's privatisation. The inputs are
 * per-example gradients as {@code vmap(grad(loss))} returns them: the parameter pytree with a
 * leading batch dimension {@code B} on every leaf. Traced functions: call them inside a step
 * that is jitted as a whole.
 *
 * <p>The clipping factor of an example with norm {@code n} is {@code C / max(n, C)}, which is
 * {@code 1 / max(1, n / C)} (Opacus and the golden {@code clipped_sum}) without a division by
 * zero for a zero gradient, and exactly 1 for gradients already within the bound. The sum is a
 * contraction of the factors with the gradients over the batch ({@code dot_general}), so a fusing
 * backend need not materialise the clipped per-example gradients.
 */
public final class Clipping {
    private Clipping() {
    }

    /** {@code [B]}: each example's L2 norm over all leaves jointly. */
    public static Tensor perExampleNorms(Object perExampleGrads) {
        List<Tensor> sq = perLeafSquaredNorms(leaves(perExampleGrads));
        Tensor total = sq.get(0);
        for (int i = 1; i < sq.size(); i++) {
            total = total.add(sq.get(i));
        }
        return total.sqrt();
    }

    /** {@code [B]}: {@code C / max(norm, C)}, the factor that scales a gradient of that norm to at most C. */
    public static Tensor clipFactors(Tensor norms, double c) {
        return norms.maximum(c).rdiv(c);
    }

    /** {@code sum_b weights[b] * g[b]} leaf by leaf: the weighted sum over the batch dimension. */
    public static <P> P weightedSum(P perExampleGrads, Tensor weights) {
        return Trees.map(perExampleGrads, g -> weightedSumOfLeaf(g, weights));
    }

    /**
     * Clips each example's gradient (flat or per layer, see {@link ClipPolicy}) and sums the real
     * examples: those with {@code mask[b] = 1}. Masked rows (padding, mask 0) contribute nothing,
     * provided their gradients are finite (zero rows give finite gradients in all usual models).
     *
     * @param perExampleGrads the parameter pytree, every leaf {@code [B, ...]}
     * @param mask            {@code f32[B]} of 1 (real example) and 0 (padding); bool is accepted
     */
    public static <P> ClippedSum<P> clipAndSum(P perExampleGrads, Tensor mask, ClipPolicy policy) {
        List<Tensor> leaves = leaves(perExampleGrads);
        Tensor m = checkedMask(mask, leaves);
        List<Tensor> sq = perLeafSquaredNorms(leaves);
        Tensor jointSq = sq.get(0);
        for (int i = 1; i < sq.size(); i++) {
            jointSq = jointSq.add(sq.get(i));
        }
        Tensor norms = jointSq.sqrt();
        return switch (policy) {
            case ClipPolicy.Flat f -> {
                Tensor weights = clipFactors(norms, f.c()).mul(m);
                Tensor clipped = norms.gt(f.c()).astype(m.dtype()).mul(m);
                yield new ClippedSum<>(weightedSum(perExampleGrads, weights), norms, clipped);
            }
            case ClipPolicy.PerLayer p -> {
                double[] bounds = p.bounds(leaves.size());
                List<Tensor> sums = new ArrayList<>(leaves.size());
                Tensor anyClipped = null;
                for (int i = 0; i < leaves.size(); i++) {
                    Tensor n = sq.get(i).sqrt();
                    sums.add(weightedSumOfLeaf(leaves.get(i), clipFactors(n, bounds[i]).mul(m)));
                    Tensor c = n.gt(bounds[i]).astype(m.dtype());
                    anyClipped = anyClipped == null ? c : anyClipped.maximum(c);
                }
                yield new ClippedSum<>(Trees.withLeaves(perExampleGrads, sums), norms, anyClipped.mul(m));
            }
        };
    }

    // ---------------------------------------------------------------- helpers

    private static List<Tensor> leaves(Object perExampleGrads) {
        List<Tensor> leaves = Trees.leaves(perExampleGrads);
        if (leaves.isEmpty()) {
            throw new KilnException("Clipping", "the gradient pytree has no tensors");
        }
        int b = -1;
        for (Tensor g : leaves) {
            if (g.rank() < 1 || !g.dtype().isFloating()) {
                throw new KilnException("Clipping", "per-example gradients must be floating point with a leading batch "
                        + "dimension, got " + g.type(), SourceLocation.ofCaller(),
                        "compute them with Kiln.vmap(Kiln.grad(loss), Kiln.in(null, 0, 0))");
            }
            if (b >= 0 && g.dim(0) != b) {
                throw new KilnException("Clipping", "per-example gradient leaves disagree on the batch size: " + b
                        + " vs " + g.type(), SourceLocation.ofCaller(), null);
            }
            b = g.dim(0);
        }
        return leaves;
    }

    private static List<Tensor> perLeafSquaredNorms(List<Tensor> leaves) {
        List<Tensor> out = new ArrayList<>(leaves.size());
        for (Tensor g : leaves) {
            Tensor s = g.square();
            if (g.rank() > 1) {
                int[] axes = new int[g.rank() - 1];
                for (int a = 0; a < axes.length; a++) {
                    axes[a] = a + 1;
                }
                s = s.sum(axes);
            }
            out.add(s);
        }
        return out;
    }

    private static Tensor weightedSumOfLeaf(Tensor g, Tensor weights) {
        Tensor w = weights.dtype() == g.dtype() ? weights : weights.astype(g.dtype());
        return Tensor.dotGeneral(w, g, new int[] {0}, new int[] {0}, new int[0], new int[0]);
    }

    private static Tensor checkedMask(Tensor mask, List<Tensor> leaves) {
        int b = leaves.get(0).dim(0);
        if (mask.rank() != 1 || mask.dim(0) != b) {
            throw new KilnException("Clipping", "the mask must be [" + b + "] (one entry per example), got "
                    + mask.type(), SourceLocation.ofCaller(), "1 marks a real example, 0 a padding row");
        }
        DType dt = leaves.get(0).dtype();
        return mask.dtype() == dt ? mask : mask.astype(dt);
    }
}
