package dev.kiln.codegen.ptx;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
import dev.kiln.ir.gen.RandomPrograms;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The PTX of every primitive and of random programs is accepted by the NVPTX compiler and ptxas. */
class PtxAssemblyTest {

    @Test
    void everyPrimitiveAssembles() {
        Random rnd = new Random(77);
        var kinds = RandomPrograms.allPrimitives().stream().sorted(Comparator.comparing(Class::getSimpleName)).toList();
        List<Graph> graphs = new ArrayList<>();
        for (var kind : kinds) {
            for (DType ft : new DType[]{DType.F32, DType.F64}) {
                graphs.add(RandomPrograms.generate(new Random(rnd.nextLong()), RandomPrograms.Options.defaults()
                        .only(kind).withFloatType(ft).withMaxEquations(4)));
            }
        }
        PtxTesting.emitTogether(graphs, dev.kiln.runtime.CompileOptions.defaults("primitives"));
    }

    @Test
    void aRejectedModuleFailsWithTheAssemblersMessageAndLine() {
        String broken = ".version 7.8\n.target sm_80\n.address_size 64\n\n.visible .entry f()\n{\n\t.reg .b32 %r<1>;\n\tadd.s32 %r0, %r7, 1;\n\tret;\n}\n";
        AssertionError e = assertThrows(AssertionError.class, () -> Assemblers.check(broken));
        assertTrue(e.getMessage().contains("add.s32 %r0, %r7, 1;"), e.getMessage());
        if (java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/local/bin/ptxas"))) {
            assertTrue(Assemblers.hasPtxas(), "ptxas is installed but not on the PATH of the tests");
        }
    }
}
