package dev.kiln.codegen.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Graph;
import dev.kiln.ir.text.GraphPrinter;
import dev.kiln.runtime.CompileOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-picked {@link KernelCases} on OpenCL against the interpreter. */
class OpenClKernelsTest {

    @Test
    void longRowsAreReducedByWorkGroupsThroughLocalMemory() {
        KernelCases.Case c = KernelCases.all(5).getFirst();
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
        List<KernelCases.Case> cases = KernelCases.all(5);
        List<OpenClExecutable> exes = OpenClTesting.compileTogether(cases.stream().map(KernelCases.Case::graph).toList(),
                CompileOptions.defaults("cases"));
        for (int i = 0; i < cases.size(); i++) {
            KernelCases.Case c = cases.get(i);
            Graph g = c.graph();
            String what = c.name() + "\n" + GraphPrinter.print(g, GraphPrinter.Options.human());
            List<ArrayData> actual = exes.get(i).run(c.inputs());
            OpenClTesting.assertMatchesInterpreter(g, c.inputs(), actual, what);
        }
    }
}
