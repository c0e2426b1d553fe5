package dev.kiln.codegen.jvm;

import dev.kiln.ir.ArrayCompare;
import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
import dev.kiln.ir.buffers.BufferValidator;
import dev.kiln.ir.interp.Interpreter;
import dev.kiln.runtime.CompileOptions;
import java.util.List;

/** Compiles a graph on the JVM backend and checks it against the reference interpreter. */
final class JvmCrossCheck {
    private JvmCrossCheck() {
    }

    static JvmExecutable compile(Graph g, boolean fuse, boolean reuse) {
        JvmExecutable exe = JvmCompiler.compile(g, CompileOptions.defaults("test").withFusion(fuse).withBufferReuse(reuse));
        BufferValidator.check(exe.plan().buffers());
        return exe;
    }

    /** Runs {@code g} fused and unfused, with and without buffer reuse, against the interpreter. */
    static void check(Graph g, List<ArrayData> inputs, String what) {
        List<ArrayData> expected = Interpreter.run(g, inputs);
        for (boolean fuse : new boolean[] {true, false}) {
            for (boolean reuse : new boolean[] {true, false}) {
                JvmExecutable exe = compile(g, fuse, reuse);
                List<ArrayData> actual = exe.run(inputs);
                for (int i = 0; i < expected.size(); i++) {
                    assertClose(expected.get(i), actual.get(i), what + " output " + i + " (fuse " + fuse + ", reuse " + reuse + ")\n"
                            + exe.plan().fusion().text() + "\n" + exe.plan().program().text());
                }
            }
        }
    }

    /** f32 results may differ by reassociation (vector sums, GEMM blocking); f64, ints and bools barely or not at all. */
    static void assertClose(ArrayData expected, ArrayData actual, String what) {
        double rtol = expected.dtype() == DType.F32 ? 2e-5 : expected.dtype() == DType.F64 ? 1e-12 : 0;
        if (rtol == 0) {
            ArrayCompare.assertClose(expected, actual, 0, 0, what);
        } else {
            ArrayCompare.assertClose(expected, actual, rtol, rtol * Math.max(1, ArrayCompare.maxAbs(expected)), what);
        }
    }
}
