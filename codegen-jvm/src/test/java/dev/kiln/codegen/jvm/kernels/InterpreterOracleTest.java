package dev.kiln.codegen.jvm.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.interp.Interpreter;
import dev.kiln.ir.prim.ConvGeneralDilated;
import dev.kiln.ir.prim.Gather;
import dev.kiln.ir.prim.ReduceWindow;
import dev.kiln.ir.prim.ScatterAdd;
import dev.kiln.ir.prim.SelectAndScatterAdd;
import dev.kiln.ir.prim.ShapeRules;
import dev.kiln.ir.prim.WindowKind;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** Every kernel against the reference interpreter, on the random cases of the per-kernel tests, in f32 and f64. */
class InterpreterOracleTest {

    static ArrayData random(TensorType t, Random rnd) {
        ArrayData a = ArrayData.zeros(t);
        for (int i = 0; i < a.size(); i++) {
            a.setDouble(i, t.dtype() == DType.I32 ? rnd.nextInt(9) - 4 : rnd.nextDouble() * 2 - 1);
        }
        return a;
    }

    static void assertClose(ArrayData expect, double[] actual, double tol, String what) {
        assertEquals(expect.size(), actual.length, what);
        for (int i = 0; i < actual.length; i++) {
            double e = expect.getDouble(i);
            double delta = Double.isInfinite(e) ? 0 : tol * Math.max(1, Math.abs(e));
            assertEquals(e, actual[i], delta, what + " at " + i);
        }
    }

    static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }

    @Property(tries = 150)
    void dotGeneralAgreesWithInterpreter(@ForAll long seed, @ForAll boolean f64) {
        Random rnd = new Random(seed);
        DotGeneralKernelTest.Case c = DotGeneralKernelTest.Case.random(rnd, f64 ? DType.F64 : DType.F32);
        ArrayData l = random(c.l(), rnd), r = random(c.r(), rnd);
        ArrayData expect = Interpreter.evaluate(c.p(), List.of(l, r));
        DotGeneralKernel k = DotGeneralKernel.prepare(c.p(), c.l(), c.r());
        if (f64) {
            double[] out = new double[expect.size()];
            k.run(l.doubleStorage(), 0, r.doubleStorage(), 0, out, 0, new double[k.scratchSize()], 0);
            assertClose(expect, out, 1e-12, c.toString());
        } else {
            float[] out = new float[expect.size()];
            k.run(l.floatStorage(), 0, r.floatStorage(), 0, out, 0, new float[k.scratchSize()], 0);
            assertClose(expect, toDouble(out), 1e-4, c.toString());
        }
    }

    @Property(tries = 150)
    void convAgreesWithInterpreter(@ForAll long seed, @ForAll boolean f64) {
        Random rnd = new Random(seed);
        ConvKernelTest.Case c = ConvKernelTest.randomCase(rnd);
        DType dt = f64 ? DType.F64 : DType.F32;
        TensorType lt = c.l().withDType(dt), rt = c.r().withDType(dt);
        try {
            ShapeRules.infer(c.p(), List.of(lt, rt));
        } catch (KilnException e) {
            Assume.that(false);
        }
        ArrayData l = random(lt, rnd), r = random(rt, rnd);
        ConvGeneralDilated p = c.p();
        ArrayData expect = Interpreter.evaluate(p, List.of(l, r));
        ConvKernel k = ConvKernel.prepare(p, lt, rt);
        if (f64) {
            double[] out = new double[expect.size()];
            k.run(l.doubleStorage(), 0, r.doubleStorage(), 0, out, 0);
            assertClose(expect, out, 1e-12, c.toString());
        } else {
            float[] out = new float[expect.size()];
            k.run(l.floatStorage(), 0, r.floatStorage(), 0, out, 0, new float[k.scratchSize()], 0);
            assertClose(expect, toDouble(out), 1e-4, c.toString());
        }
    }

    @Property(tries = 200)
    void poolingAndItsGradientAgreeWithInterpreter(@ForAll long seed, @ForAll boolean planar, @ForAll boolean max,
                                                   @ForAll boolean f64) {
        Random rnd = new Random(seed);
        WindowKernelsTest.Window w = WindowKernelsTest.Window.random(rnd, planar);
        DType dt = f64 ? DType.F64 : DType.F32;
        TensorType xt = TensorType.of(dt, w.dims());
        ArrayData x = ArrayData.zeros(xt);
        for (int i = 0; i < x.size(); i++) {
            x.setDouble(i, rnd.nextInt(5)); // ties
        }
        ReduceWindow rw = new ReduceWindow(max ? WindowKind.MAX : WindowKind.SUM, w.window(), w.strides(), w.lo(), w.hi());
        ArrayData pooled = Interpreter.evaluate(rw, List.of(x));
        ReduceWindowKernel rk = ReduceWindowKernel.prepare(rw, xt);
        SelectAndScatterAdd sa = new SelectAndScatterAdd(w.window(), w.strides(), w.lo(), w.hi());
        ArrayData src = random(pooled.type(), rnd);
        ArrayData grad = Interpreter.evaluate(sa, List.of(src, x));
        SelectAndScatterAddKernel sk = SelectAndScatterAddKernel.prepare(sa, src.type(), xt);
        if (f64) {
            double[] out = new double[pooled.size()], g = new double[x.size()];
            rk.run(x.doubleStorage(), 0, out, 0);
            sk.run(src.doubleStorage(), 0, x.doubleStorage(), 0, g, 0);
            assertClose(pooled, out, 0, "reduce_window");
            assertClose(grad, g, 1e-12, "select_and_scatter_add");
        } else {
            float[] out = new float[pooled.size()], g = new float[x.size()];
            rk.run(x.floatStorage(), 0, out, 0);
            sk.run(src.floatStorage(), 0, x.floatStorage(), 0, g, 0);
            assertClose(pooled, toDouble(out), 0, "reduce_window");
            assertClose(grad, toDouble(g), 1e-5, "select_and_scatter_add");
        }
    }

    @Property(tries = 150)
    void gatherAndScatterAddAgreeWithInterpreter(@ForAll long seed, @ForAll boolean f64) {
        Random rnd = new Random(seed);
        IndexKernelsTest.Case c = IndexKernelsTest.Case.random(rnd, f64 ? DType.F64 : DType.F32);
        ArrayData x = random(c.operand(), rnd);
        ArrayData idx = ArrayData.wrap(c.indices(), rnd.ints(c.indices().numel(), 0, c.rows()).toArray());
        Gather gp = new Gather(c.nb());
        ArrayData gathered = Interpreter.evaluate(gp, List.of(x, idx));
        ArrayData upd = random(gathered.type(), rnd);
        ScatterAdd sp = new ScatterAdd(c.nb());
        ArrayData summed = Interpreter.evaluate(sp, List.of(x, idx, upd));
        IndexKernels.Plan g = IndexKernels.prepareGather(gp, c.operand(), c.indices());
        IndexKernels.Plan s = IndexKernels.prepareScatterAdd(sp, c.operand(), c.indices(), gathered.type());
        if (f64) {
            double[] out = new double[gathered.size()], sum = new double[x.size()];
            IndexKernels.gather(g, x.doubleStorage(), 0, idx.intStorage(), 0, out, 0);
            IndexKernels.scatterAdd(s, x.doubleStorage(), 0, idx.intStorage(), 0, upd.doubleStorage(), 0, sum, 0);
            assertClose(gathered, out, 0, "gather");
            assertClose(summed, sum, 1e-12, "scatter_add");
        } else {
            float[] out = new float[gathered.size()], sum = new float[x.size()];
            IndexKernels.gather(g, x.floatStorage(), 0, idx.intStorage(), 0, out, 0);
            IndexKernels.scatterAdd(s, x.floatStorage(), 0, idx.intStorage(), 0, upd.floatStorage(), 0, sum, 0);
            assertClose(gathered, toDouble(out), 0, "gather");
            assertClose(summed, toDouble(sum), 1e-5, "scatter_add");
        }
    }
}
