package dev.kiln.codegen.ptx;

import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
import dev.kiln.ir.gen.RandomPrograms;
import dev.kiln.runtime.CompileOptions;
import java.util.Comparator;
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
        EmulatedDevice dev = new EmulatedDevice();
        Random rnd = new Random(2024);
        var kinds = RandomPrograms.allPrimitives().stream().sorted(Comparator.comparing(Class::getSimpleName)).toList();
        for (var kind : kinds) {
            for (int i = 0; i < PER_PRIMITIVE; i++) {
                DType ft = i % 2 == 0 ? DType.F32 : DType.F64;
                Graph g = RandomPrograms.generate(new Random(rnd.nextLong()), RandomPrograms.Options.defaults()
                        .only(kind).withFloatType(ft).withMaxEquations(4).withMaxDim(6));
                PtxTesting.checkRandom(g, rnd.nextLong(), dev, CompileOptions.defaults("primitives"), kind.getSimpleName() + " #" + i + " " + ft);
            }
        }
    }
}
