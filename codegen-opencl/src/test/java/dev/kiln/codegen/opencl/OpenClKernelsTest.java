package dev.kiln.codegen.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Graph;
import dev.kiln.ir.device.DeviceCase;
import dev.kiln.ir.device.ElementwiseCases;
import dev.kiln.ir.device.KernelCases;
import dev.kiln.ir.text.GraphPrinter;
import dev.kiln.runtime.CompileOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-picked {@link KernelCases} on OpenCL against the interpreter. */
class OpenClKernelsTest {

    @Test
    void longRowsAreReducedByWorkGroupsThroughLocalMemory() {
        DeviceCase c = KernelCases.all(5).getFirst();
        OpenClProgram p = OpenClCompiler.emit(c.graph());
        assertEquals(1, p.launches().size());
        ClLaunch l = p.launches().getFirst();
        assertArrayEquals(new long[]{ClLoopKernel.LANES}, l.local());
        assertArrayEquals(new long[]{5L * ClLoopKernel.LANES}, l.global(), "one group per row");
        assertTrue(p.kernelsSource().contains("__local float red_acc"), p.kernelsSource());
        assertTrue(p.kernelsSource().contains("barrier(CLK_LOCAL_MEM_FENCE)"), p.kernelsSource());
    }

    @Test
    void handPickedKernelsMatchTheInterpreter() {
        runCases(KernelCases.all(5));
    }

    @Test
    void everyElementwiseOperationMatchesTheInterpreterOnEdgeValues() {
        runCases(ElementwiseCases.all(6));
    }

    static void runCases(List<DeviceCase> cases) {
        List<OpenClExecutable> exes = OpenClTesting.compileTogether(cases.stream().map(DeviceCase::graph).toList(),
                CompileOptions.defaults("cases"));
        List<String> failures = new java.util.ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            DeviceCase c = cases.get(i);
            Graph g = c.graph();
            String what = c.name() + "\n" + GraphPrinter.print(g, GraphPrinter.Options.human());
            try {
                List<ArrayData> actual = exes.get(i).run(c.inputs());
                OpenClTesting.assertMatchesInterpreter(g, c.inputs(), actual, what, c.elementwise());
            } catch (AssertionError | RuntimeException e) {
                failures.add(c.name() + ": " + e);
            }
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.size() + " of " + cases.size() + " cases fail:\n\n" + String.join("\n\n", failures));
        }
    }
}
