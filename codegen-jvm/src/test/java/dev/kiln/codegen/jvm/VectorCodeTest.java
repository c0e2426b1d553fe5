package dev.kiln.codegen.jvm;

import static dev.kiln.codegen.jvm.G.lit;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Var;
import dev.kiln.ir.gen.RandomPrograms;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.CompareOp;
import dev.kiln.ir.prim.Convert;
import dev.kiln.ir.prim.Compare;
import dev.kiln.ir.prim.Select;
import dev.kiln.ir.prim.UnaryOp;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Vector API renderer: which loops it vectorises (seen in the bytecode), and that vector
 * loops with their scalar tails compute what the interpreter computes, at sizes that are and are
 * not multiples of the vector length.
 */
class VectorCodeTest {

    private static String bytecode(Graph g) {
        return JvmCompiler.explain(g, "bytecode");
    }

    @Test
    void elementwiseChainUsesFloatVectors() {
        assumeTrue(Vectorization.enabled());
        G g = new G();
        Var x = g.f32(1000), y = g.f32(1000);
        Graph graph = g.build(g.un(UnaryOp.TANH, g.add(g.mul(g.un(UnaryOp.EXP, x), lit(2)), y)));
        String code = bytecode(graph);
        assertTrue(code.contains("jdk/incubator/vector/FloatVector.fromArray"), code);
        assertTrue(code.contains("VectorMath.tanh"), code);
        assertTrue(code.contains("intoArray"), code);
    }

    @Test
    void rowReductionUsesAVectorAccumulatorAndSumsLanesInAFixedOrder() {
        assumeTrue(Vectorization.enabled());
        G g = new G();
        Var x = g.f32(8, 100);
        String code = bytecode(g.build(g.sum(g.mul(x, x), 1)));
        assertTrue(code.contains("VectorMath.sum"), code);
    }

    @Test
    void randomBitsBecomeFloatsInOneVectorLoop() {
        // A DP-SGD step's noise: i32 words shifted, converted to f32 and sent through Box-Muller's
        // log; i32 and f32 lanes mix in one vector loop (I2F), at sizes with and without a tail.
        for (int n : new int[] {7, 64, 1001}) {
            G g = new G();
            Var bits = g.in(DType.I32, n), y = g.f32(n);
            Var top = g.bin(BinaryOp.SHIFT_RIGHT_LOGICAL, bits, dev.kiln.ir.Literal.of(8, DType.I32));
            Var u = g.mul(g.eq(new Convert(DType.F32), top), lit(0x1p-24));
            Var z = g.add(g.un(UnaryOp.LOG, g.bin(BinaryOp.SUB, lit(1), u)), y);
            Graph graph = g.build(z);
            if (Vectorization.enabled()) {
                String code = bytecode(graph);
                assertTrue(code.contains("VectorOperators.I2F"), code);
                assertTrue(code.contains("IntVector.fromArray"), code);
            }
            JvmCrossCheck.check(graph, RandomPrograms.randomInputs(graph, new Random(n)), "n=" + n);
        }
    }

    @Test
    void stridedReadsStayScalar() {
        G g = new G();
        Var x = g.f32(64, 64);
        Graph graph = g.build(g.add(g.eq(new dev.kiln.ir.prim.Transpose(dev.kiln.ir.Ints.of(1, 0)), x), lit(1)));
        assertFalse(bytecode(graph).contains("fromArray"));
    }

    @Test
    void vectorLoopsAndTailsMatchTheInterpreterAtAwkwardSizes() {
        for (int n : new int[] {1, 15, 16, 17, 31, 33, 100, 257}) {
            G g = new G();
            Var x = g.f32(3, n), y = g.f32(3, n), b = g.f32(n);
            Var z = g.add(g.mul(g.un(UnaryOp.LOGISTIC, x), y), g.bcast(b, new int[] {3, n}, 1));
            Var mask = g.eq(new Compare(CompareOp.GT), z, lit(0.1f));
            Var sel = g.eq(new Select(), mask, z, g.un(UnaryOp.RSQRT, g.add(g.un(UnaryOp.ABS, y), lit(1))));
            Var rowMax = g.max(sel, 1);
            Var colSum = g.sum(g.bin(BinaryOp.POW, g.un(UnaryOp.ABS, sel), lit(1.5f)), 0);
            Graph graph = g.build(sel, mask, rowMax, colSum);
            List<ArrayData> in = RandomPrograms.randomInputs(graph, new Random(n));
            JvmCrossCheck.check(graph, in, "n=" + n);
        }
    }

    /**
     * x / 2^k becomes x * 2^-k in vector code: the same exact value rounded once, so the bits of
     * the division, subnormal, infinite and NaN lanes included; other divisors stay divisions.
     */
    @Test
    void divisionByAPowerOfTwoIsAMultiplicationWithTheDivisionsBits() {
        assumeTrue(Vectorization.enabled());
        for (float c : new float[] {128f, -0.25f, 0x1p-126f, 0x1p127f, 3f}) {
            G g = new G();
            Var x = g.f32(1000);
            Graph graph = g.build(g.bin(BinaryOp.DIV, x, lit(c)));
            String code = bytecode(graph);
            // 3 is no power of two, and 1 / 2^127 is subnormal: those two stay vector divisions.
            boolean multiplies = c != 3f && c != 0x1p127f;
            ArrayData in = ArrayData.zeros(graph.inputs().getFirst().type());
            Random r = new Random(3);
            float[] special = {0f, -0f, Float.MIN_VALUE, -Float.MIN_NORMAL, Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NaN};
            for (int i = 0; i < in.size(); i++) {
                float v = i < special.length ? special[i] : Float.intBitsToFloat(r.nextInt());
                in.setDouble(i, v);
            }
            float[] want = dev.kiln.ir.interp.Interpreter.run(graph, List.of(in)).getFirst().floatStorage();
            float[] got = JvmCrossCheck.compile(graph, true, true).run(List.of(in)).getFirst().floatStorage();
            for (int i = 0; i < want.length; i++) {
                assertTrue(Float.floatToIntBits(want[i]) == Float.floatToIntBits(got[i]),
                        in.getDouble(i) + " / " + c + " = " + got[i] + ", not " + want[i]);
            }
            assertTrue(code.contains("VectorOperators.DIV") != multiplies, c + ": " + code);
        }
    }

    /** The logistic's gradient s*(1-s) amplifies any error in s, so vector kernels must round it (nearly) as the interpreter does. */
    @Test
    void vectorLogisticAndRsqrtRoundLikeTheInterpreter() {
        for (DType d : new DType[] {DType.F32, DType.F64}) {
            G g = new G();
            Var x = g.in(d, 4000);
            Graph graph = g.build(g.un(UnaryOp.LOGISTIC, x), g.un(UnaryOp.RSQRT, g.un(UnaryOp.ABS, x)));
            float[] xs = new float[4000];
            Random r = new Random(9);
            ArrayData in = ArrayData.zeros(graph.inputs().getFirst().type());
            for (int i = 0; i < in.size(); i++) {
                in.setDouble(i, r.nextGaussian() * 12);
                xs[i] = (float) in.getDouble(i);
            }
            List<ArrayData> expected = dev.kiln.ir.interp.Interpreter.run(graph, List.of(in));
            List<ArrayData> actual = JvmCrossCheck.compile(graph, true, true).run(List.of(in));
            if (d == DType.F64) {
                for (int i = 0; i < 2; i++) {
                    dev.kiln.ir.ArrayCompare.assertClose(expected.get(i), actual.get(i), 1e-15, 0, d + " output " + i);
                }
                continue;
            }
            // f32: rsqrt rounds like the interpreter; the f32-lane logistic is within an ulp, and 1 exactly where it is.
            dev.kiln.ir.ArrayCompare.assertClose(expected.get(1), actual.get(1), 1e-7, 0, "f32 rsqrt");
            float[] want = expected.get(0).floatStorage(), got = actual.get(0).floatStorage();
            for (int i = 0; i < want.length; i++) {
                int ulps = Math.abs(Float.floatToIntBits(want[i]) - Float.floatToIntBits(got[i]));
                assertTrue(ulps <= 1 && (want[i] == 1f) == (got[i] == 1f), "logistic(" + xs[i] + ") = " + got[i] + ", not " + want[i]);
            }
        }
    }

    @Test
    void longConcatenationsAreCopiedBlockByBlock() {
        G g = new G();
        Var[] parts = new Var[20];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = g.f32(3, 1 + i % 3, 7);
        }
        Graph graph = g.build(g.un(UnaryOp.EXP, g.eq(new dev.kiln.ir.prim.Concatenate(1), parts)));
        JvmCrossCheck.check(graph, RandomPrograms.randomInputs(graph, new Random(4)), "concatenate of 20");
    }

    @Test
    void f64AndI32LoopsMatchTheInterpreter() {
        for (DType d : new DType[] {DType.F64, DType.I32}) {
            G g = new G();
            Var x = g.in(d, 5, 37), y = g.in(d, 5, 37);
            Var s = g.bin(BinaryOp.MAX, g.add(x, y), g.mul(x, y));
            Graph graph = g.build(s, g.sum(s, 1), g.sum(s, 0), g.max(s, 0));
            JvmCrossCheck.check(graph, RandomPrograms.randomInputs(graph, new Random(2)), d.toString());
        }
    }
}
