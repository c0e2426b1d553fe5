package dev.kiln.codegen.jvm;

import static dev.kiln.codegen.jvm.G.lit;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.UnaryOp;
import dev.kiln.runtime.CompileOptions;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A kernel with vectorised lane sums and every vectorised transcendental, and a matmul, on fixed
 * inputs. {@link ColdAndWarmKernelsAgreeTest} runs {@link #main} in a fresh JVM under
 * {@code -Xint} (so every Vector API call takes its Java fallback) and compares its bits with
 * the same kernels after C2 has compiled them.
 */
final class ColdKernelProbe {
    static final int ROWS = 16, COLS = 1003;

    private ColdKernelProbe() {
    }

    static Graph graph() {
        G g = new G();
        Var x = g.f32(ROWS, COLS), y = g.f32(ROWS, COLS), w = g.f32(COLS, 24);
        Var ypos = g.add(g.un(UnaryOp.ABS, y), lit(0.01));
        Var terms = g.add(g.add(g.un(UnaryOp.TANH, x), g.mul(g.un(UnaryOp.LOG, ypos), g.un(UnaryOp.EXP, x))),
                g.un(UnaryOp.LOGISTIC, y));
        Var rowSums = g.sum(terms, 1);
        Var trig = g.add(g.un(UnaryOp.SIN, g.mul(x, lit(40))), g.un(UnaryOp.COS, y));
        Var more = g.add(g.add(g.un(UnaryOp.LOG1P, ypos), g.un(UnaryOp.EXPM1, x)), g.bin(BinaryOp.POW, ypos, x));
        Var logSumExp = g.un(UnaryOp.LOG, g.sum(g.un(UnaryOp.EXP, g.mul(more, lit(0.1))), 1));
        // The f32-lane functions' other branches: saturated and subnormal logistics, tanh's
        // polynomial, expm1 far from 0.
        Var wide = g.add(g.add(g.un(UnaryOp.LOGISTIC, g.mul(x, lit(30))), g.un(UnaryOp.TANH, g.mul(y, lit(0.1)))),
                g.un(UnaryOp.EXPM1, g.mul(x, lit(10))));
        return g.build(rowSums, trig, more, logSumExp, g.matmul(terms, w), wide);
    }

    static List<ArrayData> inputs() {
        Random rnd = new Random(11);
        List<ArrayData> in = new ArrayList<>();
        for (int[] shape : new int[][] {{ROWS, COLS}, {ROWS, COLS}, {COLS, 24}}) {
            float[] a = new float[shape[0] * shape[1]];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (rnd.nextGaussian() * 3);
            }
            in.add(ArrayData.of(a, shape));
        }
        return in;
    }

    static JvmExecutable compile() {
        return JvmCompiler.compile(graph(), CompileOptions.defaults("cold-probe"));
    }

    static void write(List<ArrayData> outputs, Path file) throws IOException {
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            for (ArrayData a : outputs) {
                for (float f : a.floatStorage()) {
                    out.writeInt(Float.floatToRawIntBits(f));
                }
            }
        }
    }

    /** Runs the kernels once and writes their outputs' bits to the file named by {@code args[0]}. */
    public static void main(String[] args) throws IOException {
        write(compile().run(inputs()), Path.of(args[0]));
    }
}
