package dev.kiln.autodiff;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
import dev.kiln.ir.gen.RandomPrograms;
import dev.kiln.ir.gen.RandomPrograms.Family;
import dev.kiln.ir.interp.Interpreter;
import dev.kiln.ir.text.GraphParser;
import dev.kiln.ir.text.GraphPrinter;
import dev.kiln.ir.verify.GraphEquivalence;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Whole random programs (smooth almost everywhere, f64): the VJP graph with random cotangents for
 * every output against finite differences of {@code sum_j ct_j * y_j} in every input.
 */
class RandomProgramVjpProperties {

    @Property(tries = 60)
    void vjpOfRandomElementwiseAndLayoutProgramsMatchesFiniteDifferences(@ForAll long seed) {
        check(seed, options().withFamilies(Family.ELEMENTWISE, Family.LAYOUT, Family.REDUCTION));
    }

    @Property(tries = 40)
    void vjpOfRandomContractionAndWindowProgramsMatchesFiniteDifferences(@ForAll long seed) {
        check(seed, options().withFamilies(Family.ELEMENTWISE, Family.CONTRACTION, Family.WINDOW, Family.INDEXING));
    }

    @Property(tries = 60)
    void vjpOfRandomProgramsOverEveryPrimitiveMatchesFiniteDifferences(@ForAll long seed) {
        check(seed, options());
    }

    private static RandomPrograms.Options options() {
        return RandomPrograms.Options.defaults().onlyDifferentiable().withFloatType(DType.F64).withMaxDim(3);
    }

    private static void check(long seed, RandomPrograms.Options options) {
        Random r = new Random(seed);
        Graph g = RandomPrograms.generate(r, options);
        List<ArrayData> xs = RandomPrograms.randomInputs(g, r);
        List<ArrayData> cts = new ArrayList<>();
        for (var t : g.outputTypes()) {
            cts.add(GradCheck.normal(r, t.shape().toArray()));
        }
        boolean[] wrt = new boolean[xs.size()];
        java.util.Arrays.fill(wrt, true);
        List<ArrayData> in = new ArrayList<>(xs);
        in.addAll(cts);
        Graph vjp = Vjp.graph(g, wrt);
        // The derived graph prints and parses back to itself, as every stage's dump must.
        assertTrue(GraphEquivalence.equivalent(vjp, GraphParser.parse(GraphPrinter.print(vjp))));
        List<ArrayData> out = Interpreter.run(vjp, in);
        // Finite differences of a large objective are only accurate to ~eps * |objective| / step.
        double magnitude = 0;
        for (int j = 0; j < cts.size(); j++) {
            magnitude += absDot(cts.get(j), Interpreter.run(g, xs).get(j));
        }
        double noise = 8 * Math.ulp(1.0) * magnitude / GradCheck.STEP;
        for (int i = 0; i < xs.size(); i++) {
            ArrayData fd = GradCheck.finiteDifference(xs, i, ys -> objective(g, ys, cts));
            ArrayData got = out.get(g.outputs().size() + i);
            compare(fd, got, noise, "input " + i + " (seed " + seed + ") of\n" + GraphPrinter.print(g));
        }
    }

    private static double objective(Graph g, List<ArrayData> xs, List<ArrayData> cts) {
        List<ArrayData> ys = Interpreter.run(g, xs);
        double s = 0;
        for (int j = 0; j < ys.size(); j++) {
            s += GradCheck.dot(cts.get(j), ys.get(j));
        }
        return s;
    }

    private static double absDot(ArrayData a, ArrayData b) {
        double s = 0;
        for (int i = 0; i < a.size(); i++) {
            s += Math.abs(a.getDouble(i) * b.getDouble(i));
        }
        return s;
    }

    private static void compare(ArrayData fd, ArrayData got, double noise, String what) {
        double scale = 0;
        for (int i = 0; i < fd.size(); i++) {
            scale = Math.max(scale, Math.abs(fd.getDouble(i)));
        }
        double tol = 1e-6 * scale + noise + 1e-9;
        for (int i = 0; i < fd.size(); i++) {
            if (!(Math.abs(fd.getDouble(i) - got.getDouble(i)) <= tol)) {
                fail(what + "\nelement " + i + ": vjp " + got.getDouble(i) + ", finite differences " + fd.getDouble(i)
                        + " (tolerance " + tol + ")");
            }
        }
    }
}
