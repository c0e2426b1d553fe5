package dev.kiln.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.codegen.ptx.PtxAssembler;
import dev.kiln.codegen.ptx.PtxCompiler;
import dev.kiln.ir.Graph;
import dev.kiln.samples.models.EmbeddingModel;
import dev.kiln.samples.models.LstmModel;
import dev.kiln.samples.models.Models;
import dev.kiln.samples.models.PaperModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code kiln ir --emit ptx|opencl} writes the kernel sources of a model's stage, and the PTX of
 * every paper model's per-example gradient is accepted by the NVPTX compiler and, when it is on
 * the PATH, by {@code ptxas} for sm_80 and sm_90.
 */
class EmitKernelsTest {
    private static final Path PTXAS = PtxAssembler.findPtxas();

    @Test
    void irEmitPtxWritesTheModuleAndItsPlans(@TempDir Path dir) throws IOException {
        assertEquals(0, KilnCommand.execute("ir", "--model", "logreg", "--stage", "vmap", "--batch", "4", "--emit", "ptx", "--out", dir.toString()));
        Path ptx = dir.resolve("logreg_vmap_b4.ptx");
        assertTrue(Files.readString(ptx).contains(".target sm_80"));
        for (String f : new String[]{"fusion.txt", "buffers.txt", "kernels.txt", "launches.txt"}) {
            assertTrue(Files.size(dir.resolve("logreg_vmap_b4." + f)) > 0, f);
        }
        assemble(Files.readString(ptx));
    }

    @Test
    void irEmitOpenClWritesTheProgram(@TempDir Path dir) throws IOException {
        assertEquals(0, KilnCommand.execute("ir", "--model", "ffnn", "--stage", "grad", "--batch", "4", "--emit", "opencl", "--out", dir.toString()));
        String cl = Files.readString(dir.resolve("ffnn_grad_b4.cl"));
        assertTrue(cl.contains("__kernel void"), cl.substring(0, Math.min(400, cl.length())));
    }

    @Test
    void anUnknownEmitTargetIsAClearError() {
        assertEquals(2, KilnCommand.execute("ir", "--model", "logreg", "--emit", "cuda"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"logreg", "ffnn", "mnist_cnn", "cifar10_cnn", "embedding", "lstm"})
    void everyModelsPerExampleGradientAssemblesAsPtx(String name) {
        PaperModel<?> m = switch (name) {
            case "embedding" -> new EmbeddingModel(100, 12);
            case "lstm" -> new LstmModel(50, 6);
            default -> Models.byName(name);
        };
        for (String stage : new String[]{"traced", "vmap"}) {
            Graph g = IrCommand.graph(m, stage, 4);
            assemble(PtxCompiler.emit(g).text());
        }
    }

    private static void assemble(String ptx) {
        assertTrue(PtxAssembler.assemble(ptx, "sm_80").length > 0);
        if (PTXAS != null) {
            PtxAssembler.ptxas(PTXAS, ptx, "sm_80");
            PtxAssembler.ptxas(PTXAS, ptx, "sm_90");
        }
    }
}
