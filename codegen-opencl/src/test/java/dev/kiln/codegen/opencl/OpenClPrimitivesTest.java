package dev.kiln.codegen.opencl;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
import dev.kiln.ir.gen.RandomPrograms;
import dev.kiln.ir.text.GraphPrinter;
import dev.kiln.runtime.CompileOptions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every primitive on the OpenCL backend against the interpreter: for each primitive, random
 * programs made of it alone (f32 and f64, fused and unfused), all built as one OpenCL program.
 */
class OpenClPrimitivesTest {
    private static final int PER_PRIMITIVE = 4;

    @Test
    void everyPrimitiveMatchesTheInterpreter() {
        OpenClTesting.device();
        List<Graph> graphs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        Random rnd = new Random(2024);
        var kinds = RandomPrograms.allPrimitives().stream().sorted(Comparator.comparing(Class::getSimpleName)).toList();
        for (var kind : kinds) {
            for (int i = 0; i < PER_PRIMITIVE; i++) {
                DType ft = i % 2 == 0 ? DType.F32 : DType.F64;
                graphs.add(RandomPrograms.generate(new Random(rnd.nextLong()), RandomPrograms.Options.defaults()
                        .only(kind).withFloatType(ft).withMaxEquations(4).withMaxDim(6)));
                names.add(kind.getSimpleName() + " #" + i + " " + ft);
            }
        }
        runAll(graphs, names, CompileOptions.defaults("primitives"), rnd);
    }

    static void runAll(List<Graph> graphs, List<String> names, CompileOptions options, Random rnd) {
        List<OpenClExecutable> exes = OpenClTesting.compileTogether(graphs, options);
        for (int i = 0; i < graphs.size(); i++) {
            Graph g = graphs.get(i);
            List<ArrayData> xs = RandomPrograms.randomInputs(g, new Random(rnd.nextLong()));
            String what = names.get(i) + "\n" + GraphPrinter.print(g, GraphPrinter.Options.human()) + "\n";
            List<ArrayData> actual;
            try {
                actual = exes.get(i).run(xs);
            } catch (RuntimeException e) {
                throw new AssertionError(what + "failed: " + e.getMessage(), e);
            }
            OpenClTesting.assertMatchesInterpreter(g, xs, actual, what);
        }
    }
}
