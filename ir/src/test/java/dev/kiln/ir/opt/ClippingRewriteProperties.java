package dev.kiln.ir.opt;

import static dev.kiln.ir.opt.ClippingGraphs.assertSameResults;
import static dev.kiln.ir.opt.ClippingGraphs.dot;
import static dev.kiln.ir.opt.ClippingGraphs.inputs;
import static dev.kiln.ir.opt.ClippingGraphs.scatter;
import static dev.kiln.ir.opt.ClippingGraphs.squaredNorm;
import static dev.kiln.ir.opt.ClippingGraphs.weightedSumByDot;
import static dev.kiln.ir.opt.ClippingGraphs.weightedSumByMul;
import static dev.kiln.ir.opt.ClippingGraphs.zeros;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.ir.Atom;
import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.UnaryOp;
import dev.kiln.ir.testing.G;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;

/**
 * Random DP-SGD-shaped programs: per-example gradients that are batched scatters into zeros or
 * batched contractions or sums of them (random sizes, axis orders, dtypes), read by joint norms, clipped sums in
 * both traced forms and, sometimes, by other equations; the clipping factors depend on the norms,
 * as in a real step. The optimiser's result must compute what the original computes.
 */
class ClippingRewriteProperties {
    private record Program(G g, List<Var> grads, List<Var> outputs) {
    }

    @Property(tries = 300)
    void theOptimiserPreservesRandomClippingPrograms(@ForAll long seed) {
        Random rnd = new Random(seed);
        DType dt = rnd.nextBoolean() ? DType.F32 : DType.F64;
        int batch = 1 + rnd.nextInt(5);
        G g = new G();
        List<Var> grads = new ArrayList<>();
        List<Var> outputs = new ArrayList<>();
        int vocabulary = 1 + rnd.nextInt(80);
        for (int n = 1 + rnd.nextInt(2); n > 0; n--) {
            grads.add(rnd.nextBoolean() ? scatterGradient(g, rnd, dt, batch, vocabulary) : denseGradient(g, rnd, dt, batch));
        }
        Program p = new Program(g, grads, outputs);
        clip(p, rnd, dt, batch);
        Graph graph = g.build(outputs.toArray(Atom[]::new));
        Graph opt = Optimizer.optimize(graph);
        assertSameResults(graph, opt, inputs(graph, new Random(seed ^ 0x5eed), 1 + rnd.nextInt(vocabulary)));
        assertEquals(opt, Optimizer.optimize(opt), "the optimiser reached a fixed point");
        Graph plain = new Optimizer(List.of(new AlgebraicSimplifier(), new ConstantFolding(), new CommonSubexpressions(),
                new DeadCodeElimination())).run(graph);
        boolean fired = new ScatterClipping().run(plain) != plain || new GhostClipping().run(plain) != plain
                || new ContractionSums().run(plain) != plain;
        Statistics.label("a clipping rewrite fired").collect(fired);
        Statistics.label("a clipping rewrite fired").coverage(c -> c.check(true).percentage(pc -> pc > 30));
    }

    /** {@code scatter_add[1](zeros[B,V,R..], idx[B,I..], upd)} with updates given or broadcast over the index axes. */
    private static Var scatterGradient(G g, Random rnd, DType dt, int batch, int vocabulary) {
        int[] index = dims(rnd, 1 + rnd.nextInt(2), 6);
        int[] row = dims(rnd, rnd.nextInt(3), 4);
        Var idx = g.in(DType.I32, concat(new int[] {batch}, index));
        int[] updShape = concat(new int[] {batch}, index, row);
        Var upd;
        if (rnd.nextBoolean()) {
            upd = g.in(dt, updShape);
        } else {
            // u [B, R..] broadcast over the index axes
            Var u = g.in(dt, concat(new int[] {batch}, row));
            int[] map = new int[1 + row.length];
            for (int r = 0; r < row.length; r++) {
                map[1 + r] = 1 + index.length + r;
            }
            upd = g.bcast(u, updShape, map);
        }
        return scatter(g, 1, zeros(g, dt, concat(new int[] {batch, vocabulary}, row)), idx, upd);
    }

    /** {@code dot_general} of A and C with one batch axis each, contracting and free axes in random orders. */
    private static Var denseGradient(G g, Random rnd, DType dt, int batch) {
        int[] k = dims(rnd, rnd.nextInt(3), 4), i = dims(rnd, rnd.nextInt(3), 12), j = dims(rnd, rnd.nextInt(3), 12);
        if (i.length + j.length == 0) {
            i = new int[] {3};
        }
        Layout a = Layout.random(rnd, batch, k, i), c = Layout.random(rnd, batch, k, j);
        List<Integer> pairs = new ArrayList<>();
        for (int t = 0; t < k.length; t++) {
            pairs.add(t);
        }
        Collections.shuffle(pairs, rnd);
        int[] lc = new int[k.length], rc = new int[k.length];
        for (int t = 0; t < k.length; t++) {
            lc[t] = a.contract()[pairs.get(t)];
            rc[t] = c.contract()[pairs.get(t)];
        }
        // sometimes a sum of such products (an unrolled recurrence's steps)
        Var sum = null;
        for (int n = rnd.nextInt(3) == 0 ? 2 + rnd.nextInt(3) : 1; n > 0; n--) {
            Var term = dot(g, g.in(dt, a.shape()), g.in(dt, c.shape()), lc, rc, new int[] {a.batch()}, new int[] {c.batch()});
            sum = sum == null ? term : g.add(sum, term);
        }
        return sum;
    }

    /** Where an operand's batch, contracting and free axes sit after a random permutation. */
    private record Layout(int[] shape, int batch, int[] contract) {
        static Layout random(Random rnd, int b, int[] k, int[] free) {
            int rank = 1 + k.length + free.length;
            List<Integer> slots = new ArrayList<>();
            for (int s = 0; s < rank; s++) {
                slots.add(s);
            }
            Collections.shuffle(slots, rnd);
            int[] shape = new int[rank], contract = new int[k.length];
            shape[slots.get(0)] = b;
            for (int t = 0; t < k.length; t++) {
                contract[t] = slots.get(1 + t);
                shape[contract[t]] = k[t];
            }
            // free axes keep their relative order so the gradient's layout is what the sizes say
            List<Integer> freeSlots = new ArrayList<>(slots.subList(1 + k.length, rank));
            Collections.sort(freeSlots);
            for (int t = 0; t < free.length; t++) {
                shape[freeSlots.get(t)] = free[t];
            }
            return new Layout(shape, slots.get(0), contract);
        }
    }

    /** Joint norms, factors {@code mask / max(1, norm)}, clipped sums in random forms, sometimes other reads. */
    private static void clip(Program p, Random rnd, DType dt, int batch) {
        G g = p.g();
        Var total = null;
        for (Var grad : p.grads()) {
            Var sq = squaredNorm(g, grad);
            total = total == null ? sq : g.add(total, sq);
        }
        Var norm = g.un(UnaryOp.SQRT, total);
        Var mask = g.in(dt, batch);
        Var w = g.mul(g.bin(BinaryOp.DIV, dev.kiln.ir.Literal.of(1, dt),
                g.bin(BinaryOp.MAX, norm, dev.kiln.ir.Literal.of(1, dt))), mask);
        p.outputs().add(norm);
        for (Var grad : p.grads()) {
            switch (rnd.nextInt(4)) {
                case 0 -> p.outputs().add(weightedSumByDot(g, w, grad));
                case 1 -> p.outputs().add(dot(g, grad, w, new int[] {0}, new int[] {0}, new int[0], new int[0]));
                case 2 -> p.outputs().add(weightedSumByMul(g, w, grad));
                default -> p.outputs().add(g.sum(g.mul(g.bcast(w, grad.shape().toArray(), 0), grad), 0));
            }
            switch (rnd.nextInt(4)) {
                case 0 -> p.outputs().add(grad);
                case 1 -> p.outputs().add(g.sum(grad, Ints.range(grad.type().rank()).toArray()));
                default -> {
                }
            }
        }
    }

    private static int[] dims(Random rnd, int rank, int max) {
        int[] d = new int[rank];
        for (int t = 0; t < rank; t++) {
            d[t] = 1 + rnd.nextInt(max);
        }
        return d;
    }

    private static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }
}
