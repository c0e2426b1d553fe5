package dev.kiln.ir.kernel;

import dev.kiln.ir.ArrayCompare;
import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
import dev.kiln.ir.buffers.CompiledPlan;
import dev.kiln.ir.gen.RandomPrograms;
import dev.kiln.ir.gen.RandomPrograms.Family;
import dev.kiln.ir.interp.Interpreter;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Random programs, compiled by the backend-neutral half of the compiler (optimise, fuse, lower,
 * place buffers) and run by the kernel IR interpreter under their buffer plans, compute what the
 * reference interpreter computes: fused and unfused, with and without buffer reuse.
 */
class KernelProgramProperties {

    @Property(tries = 250)
    void everyPrimitiveFamilyCompilesToKernelsThatMatchTheInterpreter(@ForAll long seed) {
        Graph g = RandomPrograms.generate(new Random(seed), RandomPrograms.Options.defaults().withMaxEquations(14));
        check(g, seed);
    }

    @Property(tries = 150)
    void elementwiseLayoutAndReductionChainsMatchTheInterpreter(@ForAll long seed) {
        Graph g = RandomPrograms.generate(new Random(seed), RandomPrograms.Options.defaults()
                .withFamilies(Family.ELEMENTWISE, Family.LAYOUT, Family.REDUCTION).withMaxEquations(20));
        check(g, seed);
    }

    @Property(tries = 60)
    void f64ProgramsMatchTheInterpreter(@ForAll long seed) {
        Graph g = RandomPrograms.generate(new Random(seed), RandomPrograms.Options.defaults().withFloatType(DType.F64)
                .withMaxEquations(14));
        check(g, seed);
    }

    private static void check(Graph g, long seed) {
        List<ArrayData> in = RandomPrograms.randomInputs(g, new Random(seed ^ 0x5eed));
        List<ArrayData> expected = Interpreter.run(g, in);
        for (boolean fuse : new boolean[] {true, false}) {
            for (boolean reuse : new boolean[] {true, false}) {
                CompiledPlan c = CompiledPlan.of(g, fuse, reuse);
                List<ArrayData> actual = KernelInterpreter.run(c.program(), c.buffers(), in);
                for (int i = 0; i < expected.size(); i++) {
                    ArrayCompare.assertCloseToScale(expected.get(i), actual.get(i), 2e-5,
                            "output " + i + " (seed " + seed + ", fuse " + fuse + ", reuse " + reuse + ")\n"
                                    + c.fusion().text() + "\n" + c.program().text() + "\n" + c.buffers().text());
                }
            }
        }
    }
}
