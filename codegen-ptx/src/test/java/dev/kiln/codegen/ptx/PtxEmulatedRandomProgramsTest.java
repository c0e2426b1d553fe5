package dev.kiln.codegen.ptx;

import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
import dev.kiln.ir.gen.RandomPrograms;
import dev.kiln.ir.device.DeviceCase;
import dev.kiln.runtime.CompileOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Random programs over the whole primitive set as PTX on the emulator, fused and unfused, against the interpreter. */
class PtxEmulatedRandomProgramsTest {

    private static void check(long seed, int count, CompileOptions options) {
        Random rnd = new Random(seed);
        List<DeviceCase> cases = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            DType ft = i % 3 == 2 ? DType.F64 : DType.F32;
            long s = rnd.nextLong();
            Graph g = RandomPrograms.generate(new Random(s), RandomPrograms.Options.defaults().withFloatType(ft)
                    .withMaxEquations(14).withMaxDim(7));
            cases.add(new DeviceCase("random program seed " + s + " " + ft, g, RandomPrograms.randomInputs(g, new Random(rnd.nextLong())), false));
        }
        PtxTesting.checkCases(cases, new EmulatedDevice(), options);
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
