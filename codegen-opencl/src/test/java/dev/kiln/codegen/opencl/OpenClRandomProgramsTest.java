package dev.kiln.codegen.opencl;

import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
import dev.kiln.ir.gen.RandomPrograms;
import dev.kiln.runtime.CompileOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Random programs over the whole primitive set, fused and unfused, on OpenCL against the interpreter. */
class OpenClRandomProgramsTest {

    private static void check(long seed, int count, CompileOptions options) {
        OpenClTesting.device();
        Random rnd = new Random(seed);
        List<Graph> graphs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            DType ft = i % 3 == 2 ? DType.F64 : DType.F32;
            long s = rnd.nextLong();
            graphs.add(RandomPrograms.generate(new Random(s), RandomPrograms.Options.defaults().withFloatType(ft)
                    .withMaxEquations(14).withMaxDim(7)));
            names.add("random program seed " + s + " " + ft);
        }
        OpenClPrimitivesTest.runAll(graphs, names, options, rnd);
    }

    @Test
    void fusedRandomProgramsMatchTheInterpreter() {
        check(99, 36, CompileOptions.defaults("random"));
    }

    @Test
    void unfusedRandomProgramsWithoutBufferReuseMatchTheInterpreter() {
        check(123, 18, CompileOptions.defaults("random").withFusion(false).withBufferReuse(false));
    }
}
