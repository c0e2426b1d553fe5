package dev.kiln.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.prim.ConvGeneralDilated;
import dev.kiln.ir.prim.DotGeneral;
import dev.kiln.samples.models.EmbeddingModel;
import dev.kiln.samples.models.LstmModel;
import dev.kiln.samples.models.Models;
import dev.kiln.samples.models.PaperModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** vmap(grad(loss)) must batch every kernel, never unroll over the examples. */
class PerExampleGraphSizeTest {

    @ParameterizedTest
    @ValueSource(strings = {"logreg", "ffnn", "mnist_cnn", "cifar10_cnn", "embedding", "lstm"})
    void perExampleGradientGraphHasTheSameSizeForEveryBatchSize(String name) {
        PaperModel<?> m = small(name);
        Graph b2 = IrCommand.graph(m, "vmap", 2);
        Graph b7 = IrCommand.graph(m, "vmap", 7);
        Graph b32 = IrCommand.graph(m, "vmap", 32);
        assertEquals(b2.equations().size(), b7.equations().size(), name + ": batch 2 vs 7");
        assertEquals(b2.equations().size(), b32.equations().size(), name + ": batch 2 vs 32");
        assertEquals(count(b2, DotGeneral.class) + count(b2, ConvGeneralDilated.class),
                count(b32, DotGeneral.class) + count(b32, ConvGeneralDilated.class), name + ": contractions");
    }

    @ParameterizedTest
    @ValueSource(strings = {"mnist_cnn", "cifar10_cnn"})
    void perExampleKernelGradientsAreGroupedConvolutions(String name) {
        Graph g = IrCommand.graph(Models.byName(name), "vmap", 16);
        long grouped = g.equations().stream()
                .map(Equation::primitive)
                .filter(p -> p instanceof ConvGeneralDilated c && (c.featureGroupCount() == 16 || c.batchGroupCount() == 16
                        || c.featureGroupCount() % 16 == 0 && c.featureGroupCount() > 1))
                .count();
        assertTrue(grouped > 0, name + ": expected the per-example kernel gradient as one grouped conv per layer");
    }

    private static PaperModel<?> small(String name) {
        return switch (name) {
            case "embedding" -> new EmbeddingModel(100, 12);
            case "lstm" -> new LstmModel(50, 6);
            default -> Models.byName(name);
        };
    }

    private static long count(Graph g, Class<?> primitive) {
        return g.equations().stream().filter(e -> primitive.isInstance(e.primitive())).count();
    }
}
