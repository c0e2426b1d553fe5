package dev.kiln.ir.opt;

import dev.kiln.ir.ArrayCompare;
import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Atom;
import dev.kiln.ir.DType;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Shape;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.interp.Interpreter;
import dev.kiln.ir.prim.DotGeneral;
import dev.kiln.ir.prim.Reshape;
import dev.kiln.ir.prim.ScatterAdd;
import dev.kiln.ir.testing.G;
import dev.kiln.ir.verify.Verifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Builders and checks shared by the tests of the DP-SGD clipping rewrites. */
final class ClippingGraphs {
    private ClippingGraphs() {
    }

    /** {@code broadcast(0)} of {@code shape}: the zeros a vmapped embedding gradient scatters into. */
    static Var zeros(G g, DType dt, int... shape) {
        Var zero = g.b.addConstant(ArrayData.scalar(0, dt));
        return g.bcast(zero, shape);
    }

    static Var scatter(G g, int batchDims, Atom operand, Atom idx, Atom upd) {
        return g.eq(new ScatterAdd(batchDims), operand, idx, upd);
    }

    static Var dot(G g, Atom a, Atom c, int[] lc, int[] rc, int[] lb, int[] rb) {
        return g.eq(new DotGeneral(Ints.of(lc), Ints.of(rc), Ints.of(lb), Ints.of(rb)), a, c);
    }

    /** {@code sum over axes 1.. of x*x}: the per-example squared norm as Clipping traces it. */
    static Var squaredNorm(G g, Var x) {
        return g.sum(g.mul(x, x), Ints.range(1, x.type().rank()).toArray());
    }

    /** {@code dot_general[contract=([0],[0])] w x}: the weighted sum as Clipping traces it. */
    static Var weightedSumByDot(G g, Var w, Var x) {
        return dot(g, w, x, new int[] {0}, new int[] {0}, new int[0], new int[0]);
    }

    /** {@code reduce_sum[0](x * broadcast(reshape(w, [B,1,..])))}: the weighted sum as a hand-written step traces it. */
    static Var weightedSumByMul(G g, Var w, Var x) {
        int[] ones = new int[x.type().rank()];
        java.util.Arrays.fill(ones, 1);
        ones[0] = x.type().dim(0);
        Var r = g.eq(new Reshape(Shape.of(ones)), w);
        return g.sum(g.mul(x, g.bcast(r, x.shape().toArray(), Ints.range(x.type().rank()).toArray())), 0);
    }

    /** Random inputs for {@code graph}: floats in [-1, 1], integer indices in {@code [0, bound)}. */
    static List<ArrayData> inputs(Graph graph, Random rnd, int bound) {
        List<ArrayData> in = new ArrayList<>();
        for (Var v : graph.inputs()) {
            TensorType t = v.type();
            ArrayData a = ArrayData.zeros(t);
            for (int i = 0; i < a.size(); i++) {
                a.setDouble(i, t.dtype() == DType.I32 ? rnd.nextInt(bound) : rnd.nextDouble() * 2 - 1);
            }
            in.add(a);
        }
        return in;
    }

    /** Asserts both graphs verify and compute the same outputs on {@code in} (f32 reassociation tolerance). */
    static void assertSameResults(Graph original, Graph rewritten, List<ArrayData> in) {
        Verifier.verify(rewritten, "rewritten");
        List<ArrayData> expected = Interpreter.run(original, in);
        List<ArrayData> actual = Interpreter.run(rewritten, in);
        for (int i = 0; i < expected.size(); i++) {
            ArrayCompare.assertCloseToScale(expected.get(i), actual.get(i), 1e-5, "output " + i);
        }
    }

    /** The most elements any equation of {@code g} produces: whether a dense per-example gradient is left. */
    static int largestValue(Graph g) {
        int n = 0;
        for (Equation eq : g.equations()) {
            n = Math.max(n, eq.out().type().numel());
        }
        return n;
    }

    /** How many equations of {@code g} apply a primitive of class {@code kind}. */
    static long count(Graph g, Class<?> kind) {
        return g.equations().stream().filter(e -> kind.isInstance(e.primitive())).count();
    }
}
