package dev.kiln.codegen.opencl;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.ir.ArrayCompare;
import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
import dev.kiln.ir.interp.Interpreter;
import dev.kiln.runtime.CompileOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * Test support: the OpenCL device (tests are skipped without one, unless {@code KILN_REQUIRE_OPENCL}
 * is set, as {@code run-tests} does after installing PoCL: then its absence fails them), many
 * graphs compiled into one OpenCL program (one build instead of one each: PoCL builds take most
 * of a second), and the comparison with the interpreter.
 */
final class OpenClTesting {
    private OpenClTesting() {
    }

    static OpenClDevice device() {
        Object p = OpenClDevice.probe();
        if (!(p instanceof OpenClDevice d)) {
            String why = "no OpenCL device: " + p;
            if (System.getenv("KILN_REQUIRE_OPENCL") != null) {
                throw new AssertionError(why + " (KILN_REQUIRE_OPENCL is set)");
            }
            assumeTrue(false, why);
            throw new IllegalStateException();
        }
        return d;
    }

    /** Executables of {@code graphs}, built as one OpenCL program. */
    static List<OpenClExecutable> compileTogether(List<Graph> graphs, CompileOptions options) {
        OpenClDevice dev = device();
        List<OpenClProgram> programs = new ArrayList<>();
        boolean fp64 = false;
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < graphs.size(); i++) {
            OpenClProgram p = OpenClCompiler.emit(graphs.get(i), options, "g" + i + "_");
            programs.add(p);
            fp64 |= p.fp64();
            body.append(p.kernelsSource());
        }
        String merged = ClPrelude.text(fp64) + body;
        List<OpenClExecutable> out = new ArrayList<>();
        for (int i = 0; i < programs.size(); i++) {
            out.add(new OpenClExecutable(programs.get(i).within(merged), dev, "graph " + i));
        }
        return out;
    }

    /** Asserts that {@code actual} are the interpreter's outputs: exact for integers and bools, close for floats. */
    static void assertMatchesInterpreter(Graph g, List<ArrayData> inputs, List<ArrayData> actual, String what) {
        assertMatchesInterpreter(g, inputs, actual, what, false);
    }

    /**
     * As above; {@code elementwise} outputs must match element by element to a few ulps (f32:
     * 4e-6 relative, f64: 1e-13), others relative to the array's scale (accumulation order differs).
     */
    static void assertMatchesInterpreter(Graph g, List<ArrayData> inputs, List<ArrayData> actual, String what, boolean elementwise) {
        List<ArrayData> expected = Interpreter.run(g, inputs);
        if (expected.size() != actual.size()) {
            throw new AssertionError(what + ": " + expected.size() + " outputs expected, got " + actual.size());
        }
        for (int i = 0; i < expected.size(); i++) {
            ArrayData e = expected.get(i), a = actual.get(i);
            if (!e.type().equals(a.type())) {
                throw new AssertionError(what + " output " + i + ": type " + a.type() + ", expected " + e.type());
            }
            double rtol = switch (e.dtype()) {
                case F32 -> elementwise ? 4e-6 : 2e-4;
                case F64 -> elementwise ? 1e-13 : 1e-9;
                case I32, BOOL -> 0;
            };
            double atol = !e.dtype().isFloating() ? 0
                    : elementwise ? (e.dtype() == DType.F32 ? 1e-37 : 1e-300)
                    : rtol * Math.max(1, ArrayCompare.maxAbs(e)) * 0.1;
            ArrayCompare.assertClose(e, a, rtol, atol, what + " output " + i);
        }
    }
}
