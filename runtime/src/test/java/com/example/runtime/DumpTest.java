package com.example.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.text.GraphParser;
import dev.kiln.ir.text.GraphPrinter;
import dev.kiln.runtime.JitOptions;
import dev.kiln.runtime.Kiln;
import dev.kiln.runtime.TestTensors;
import dev.kiln.tracer.Fn1;
import dev.kiln.tracer.Fn2;
import dev.kiln.tracer.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dump switch: {@code -Dkiln.dump=dir} makes every compile write a numbered folder of stages.
 * (In this package so that equations and labels carry this file's lines, as a user's would.)
 */
class DumpTest {
    private static final JitOptions INTERP = JitOptions.defaults().onBackend("interpreter");
    private final TestTensors r = new TestTensors(5);

    @TempDir
    Path root;

    @AfterEach
    void dumpOff() {
        System.clearProperty("kiln.dump");
    }

    private List<Path> folders() throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(Files::isDirectory).sorted().toList();
        }
    }

    @Test
    void aCompileWritesTheTracedGraphAsParseableText() throws IOException {
        System.setProperty("kiln.dump", root.toString());
        // A closed-over constant larger than the human printer's summary threshold.
        Tensor table = r.f32(8, 5);
        Fn2<Tensor, Tensor, Tensor> f = (x, w) -> x.matmul(w).add(table.sum(1)).tanh();
        Tensor x = r.f32(3, 4);
        Tensor w = r.f32(4, 8);
        Kiln.jit(f, INTERP.named("layer")).apply(x, w);

        List<Path> dirs = folders();
        assertEquals(1, dirs.size(), dirs.toString());
        String name = dirs.getFirst().getFileName().toString();
        assertTrue(name.matches("\\d{4}-jit_layer"), name);
        Path traced = dirs.getFirst().resolve("01-traced.kir");
        String text = Files.readString(traced);
        assertTrue(text.startsWith("# stage: traced jit(layer)\n"), text);
        assertFalse(text.contains("not printed"), "constants are written in full:\n" + text);

        Graph parsed = GraphParser.parse(text);
        Graph expected = Kiln.makeGraph(f, x, w);
        assertEquals(GraphPrinter.print(expected), GraphPrinter.print(parsed), "the dump parses back to the traced graph");
        assertEquals(40, parsed.constants().getFirst().value().size());
        for (int i = 0; i < parsed.equations().size(); i++) {
            Equation e = parsed.equations().get(i);
            assertEquals("DumpTest.java", e.source().fileName(), "equation " + i + " keeps its source file");
            assertEquals(expected.equations().get(i).source().line(), e.source().line(), "equation " + i + " keeps its line");
        }
    }

    @Test
    void eachCompileGetsTheNextNumberAndCacheHitsWriteNothing() throws IOException {
        System.setProperty("kiln.dump", root.toString());
        Fn1<Tensor, Tensor> f = x -> x.exp();
        Fn1<Tensor, Tensor> jf = Kiln.jit(f, INTERP.named("exp"));
        jf.apply(r.f32(2));
        jf.apply(r.f32(2));
        jf.apply(r.f32(3));
        List<Path> dirs = folders();
        assertEquals(2, dirs.size(), dirs.toString());
        int first = Integer.parseInt(dirs.get(0).getFileName().toString().substring(0, 4));
        int second = Integer.parseInt(dirs.get(1).getFileName().toString().substring(0, 4));
        assertEquals(first + 1, second);
        assertTrue(Files.readString(dirs.get(1).resolve("01-traced.kir")).contains("f32[3]"));
    }

    @Test
    void numberingContinuesAfterFoldersAlreadyInTheRoot() throws IOException {
        Files.createDirectories(root.resolve("0041-jit_old"));
        System.setProperty("kiln.dump", root.toString());
        Kiln.jit((Tensor x) -> x.neg(), INTERP.named("new")).apply(r.f32(2));
        assertTrue(Files.isDirectory(root.resolve("0042-jit_new")), folders().toString());
    }

    @Test
    void dumpingIsOffWithoutTheSwitch() throws IOException {
        Kiln.jit((Tensor x) -> x.neg(), INTERP).apply(r.f32(2));
        assertEquals(List.of(), folders());
    }

    @Test
    void anUnwritableDumpRootIsAKilnErrorNamingTheFolder() throws IOException {
        Path file = Files.writeString(root.resolve("not-a-folder"), "x");
        System.setProperty("kiln.dump", file.toString());
        KilnException e = assertThrows(KilnException.class, () -> Kiln.jit((Tensor x) -> x.neg(), INTERP).apply(r.f32(2)));
        assertEquals("dump", e.operation());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void anUnnamedFunctionsFolderIsNamedForTheLineOfItsJitCall() throws IOException {
        System.setProperty("kiln.dump", root.toString());
        int line = StackWalker.getInstance().walk(st -> st.findFirst().orElseThrow()).getLineNumber() + 1;
        Fn1<Tensor, Tensor> jf = Kiln.jit((Tensor x) -> x.neg(), INTERP);
        jf.apply(r.f32(2));
        String name = folders().getFirst().getFileName().toString();
        assertTrue(name.matches("\\d{4}-jit_DumpTest\\.java_" + line), name);
    }
}
