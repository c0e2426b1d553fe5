package dev.kiln.codegen.ptx;

import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
import dev.kiln.ir.gen.RandomPrograms;
import dev.kiln.ir.device.DeviceCase;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every primitive as PTX, assembled by the NVPTX compiler and ptxas and run on the emulator,
 * against the interpreter (f32 and f64).
 */
class PtxEmulatedPrimitivesTest {
    private static final int PER_PRIMITIVE = 4;

    @Test
    void everyPrimitiveMatchesTheInterpreter() {
        Random rnd = new Random(2024);
        var kinds = RandomPrograms.allPrimitives().stream().sorted(Comparator.comparing(Class::getSimpleName)).toList();
        List<DeviceCase> cases = new ArrayList<>();
        for (var kind : kinds) {
            for (int i = 0; i < PER_PRIMITIVE; i++) {
                DType ft = i % 2 == 0 ? DType.F32 : DType.F64;
                Graph g = RandomPrograms.generate(new Random(rnd.nextLong()), RandomPrograms.Options.defaults()
                        .only(kind).withFloatType(ft).withMaxEquations(4).withMaxDim(6));
                cases.add(new DeviceCase(kind.getSimpleName() + " #" + i + " " + ft, g, RandomPrograms.randomInputs(g, new Random(rnd.nextLong())), false));
            }
        }
        PtxTesting.checkCases(cases, new EmulatedDevice());
    }
}
