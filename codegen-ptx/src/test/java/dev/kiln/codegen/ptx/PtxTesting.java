package dev.kiln.codegen.ptx;

import dev.kiln.ir.ArrayCompare;
import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Graph;
import dev.kiln.ir.device.DeviceCase;
import dev.kiln.ir.interp.Interpreter;
import dev.kiln.ir.text.GraphPrinter;
import dev.kiln.runtime.CompileOptions;
import java.util.List;

/** Test support: graphs compiled to PTX, assembled, run on the emulator through {@link PtxExecutable}, compared with the interpreter. */
final class PtxTesting {
    private PtxTesting() {
    }

    static PtxExecutable compile(Graph g, EmulatedDevice dev, CompileOptions options) {
        return new PtxExecutable(PtxCompiler.emit(g, options), dev, options.label());
    }

    /** Modules of {@code graphs} with distinct entry names, assembled together (one assembler run for all). */
    static List<PtxModule> emitTogether(List<Graph> graphs, CompileOptions options) {
        List<PtxModule> modules = new java.util.ArrayList<>();
        for (int i = 0; i < graphs.size(); i++) {
            modules.add(PtxCompiler.emit(graphs.get(i), options, "g" + i + "_"));
        }
        Assemblers.checkTogether(modules);
        return modules;
    }

    /** Runs every case, collecting the failures into one assertion that names them all. */
    static void checkCases(List<DeviceCase> cases, EmulatedDevice dev) {
        checkCases(cases, dev, CompileOptions.defaults("cases"));
    }

    static void checkCases(List<DeviceCase> cases, EmulatedDevice dev, CompileOptions options) {
        List<PtxModule> modules = emitTogether(cases.stream().map(DeviceCase::graph).toList(), options);
        List<String> failures = new java.util.ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            DeviceCase c = cases.get(i);
            try {
                String described = c.name() + "\n" + GraphPrinter.print(c.graph(), GraphPrinter.Options.human());
                List<ArrayData> actual;
                try {
                    actual = new PtxExecutable(modules.get(i), dev, c.name()).run(c.inputs());
                } catch (RuntimeException e) {
                    throw new AssertionError(described + "\nfailed: " + e.getMessage(), e);
                }
                assertMatches(c.graph(), c.inputs(), actual, described, c.elementwise());
            } catch (AssertionError e) {
                failures.add(e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.size() + " of " + cases.size() + " cases fail:\n\n" + String.join("\n\n", failures));
        }
    }

    static void checkAgainstInterpreter(Graph g, List<ArrayData> inputs, EmulatedDevice dev, CompileOptions options, String what) {
        checkAgainstInterpreter(g, inputs, dev, options, what, false);
    }

    static void checkAgainstInterpreter(Graph g, List<ArrayData> inputs, EmulatedDevice dev, CompileOptions options, String what,
                                        boolean elementwise) {
        String described = what + "\n" + GraphPrinter.print(g, GraphPrinter.Options.human());
        List<ArrayData> actual;
        try {
            actual = compile(g, dev, options).run(inputs);
        } catch (RuntimeException | AssertionError e) {
            throw new AssertionError(described + "\nfailed: " + e.getMessage(), e);
        }
        assertMatches(g, inputs, actual, described, elementwise);
    }

    static void assertMatches(Graph g, List<ArrayData> inputs, List<ArrayData> actual, String what) {
        assertMatches(g, inputs, actual, what, false);
    }

    /**
     * {@code elementwise} outputs must match element by element to a few ulps (f32: 4e-6 relative,
     * f64: 1e-13), others relative to the array's scale (accumulation order differs).
     */
    static void assertMatches(Graph g, List<ArrayData> inputs, List<ArrayData> actual, String what, boolean elementwise) {
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
                    : elementwise ? (e.dtype() == dev.kiln.ir.DType.F32 ? 1e-37 : 1e-300)
                    : rtol * Math.max(1, ArrayCompare.maxAbs(e)) * 0.1;
            ArrayCompare.assertClose(e, a, rtol, atol, what + "\noutput " + i);
        }
    }
}
