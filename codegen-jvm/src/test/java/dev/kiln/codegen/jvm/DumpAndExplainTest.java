package dev.kiln.codegen.jvm;

import static dev.kiln.codegen.jvm.G.lit;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.Graph;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.UnaryOp;
import dev.kiln.runtime.CompileOptions;
import dev.kiln.runtime.Dump;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DumpAndExplainTest {

    private static Graph graph() {
        G g = new G();
        Var x = g.f32(16, 8), w = g.f32(8, 4);
        Var y = g.un(UnaryOp.TANH, g.add(g.matmul(x, w), lit(1)));
        return g.build(g.sum(g.un(UnaryOp.EXP, y), 1));
    }

    @Test
    void compileWritesEveryStageUnderTheDumpFolder(@TempDir Path dir) throws Exception {
        Dump dump = Dump.into(dir, "test");
        JvmCompiler.compile(graph(), CompileOptions.defaults("jit(test)").withDump(dump));
        Path d = dump.dir();
        for (String f : new String[] {"02-optimized.kir", "03-fusion.txt", "04-buffers.txt", "05-kernels.txt", "fused.dot"}) {
            assertTrue(Files.exists(d.resolve(f)), f);
        }
        assertTrue(Files.readString(d.resolve("02-optimized.kir")).startsWith("# stage: optimized jit(test)"));
        try (Stream<Path> files = Files.list(d.resolve("06-bytecode"))) {
            Path first = files.findFirst().orElseThrow();
            String text = Files.readString(first);
            assertTrue(text.contains("implements dev/kiln/codegen/jvm/gen/CompiledLoop"), text);
        }
    }

    @Test
    void profileTimesEveryKernelInScheduleOrder() {
        Graph g = graph();
        JvmExecutable exe = JvmCrossCheck.compile(g, true, true);
        var in = dev.kiln.ir.gen.RandomPrograms.randomInputs(g, new java.util.Random(1));
        var times = exe.profile(in, 3);
        org.junit.jupiter.api.Assertions.assertEquals(exe.kernelNames(), java.util.List.copyOf(times.keySet()));
        assertTrue(times.values().stream().allMatch(t -> t >= 0));
    }

    @Test
    void explainPrintsEachStageOnDemand() {
        Graph g = graph();
        assertTrue(JvmCompiler.explain(g, "optimized").contains("dot_general"));
        assertTrue(JvmCompiler.explain(g, "fused").contains("LIBRARY"));
        assertTrue(JvmCompiler.explain(g, "buffers").contains("arena"));
        assertTrue(JvmCompiler.explain(g, "kernels").contains("for "));
        assertTrue(JvmCompiler.explain(g, "bytecode").contains("INVOKE"));
        assertTrue(JvmCompiler.explain(g, "dot").startsWith("digraph"));
    }
}
