package dev.kiln.codegen.jvm;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
import dev.kiln.ir.gen.RandomPrograms;
import dev.kiln.ir.gen.RandomPrograms.Family;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Random programs give the same results on the JVM backend, fused and unfused, with and without
 * buffer reuse, as on the reference interpreter; the buffer validator passes on every plan.
 */
class JvmBackendProperties {

    @Property(tries = 120)
    void randomProgramsOverEveryPrimitiveMatchTheInterpreter(@ForAll long seed) {
        check(RandomPrograms.Options.defaults().withMaxEquations(14), seed);
    }

    @Property(tries = 120)
    void elementwiseLayoutAndReductionProgramsMatchTheInterpreter(@ForAll long seed) {
        check(RandomPrograms.Options.defaults().withFamilies(Family.ELEMENTWISE, Family.LAYOUT, Family.REDUCTION)
                .withMaxEquations(20).withMaxDim(9), seed);
    }

    @Property(tries = 60)
    void f64ProgramsMatchTheInterpreter(@ForAll long seed) {
        check(RandomPrograms.Options.defaults().withFloatType(DType.F64).withMaxEquations(14), seed);
    }

    @Property(tries = 40)
    void largerElementwiseProgramsMatchTheInterpreter(@ForAll long seed) {
        check(RandomPrograms.Options.defaults().withFamilies(Family.ELEMENTWISE, Family.REDUCTION)
                .withMaxEquations(16).withMaxDim(40).withMaxRank(3), seed);
    }

    private static void check(RandomPrograms.Options options, long seed) {
        Graph g = RandomPrograms.generate(new Random(seed), options);
        List<ArrayData> in = RandomPrograms.randomInputs(g, new Random(seed * 31 + 7));
        JvmCrossCheck.check(g, in, "seed " + seed);
    }
}
