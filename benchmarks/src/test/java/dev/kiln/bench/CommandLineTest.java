package dev.kiln.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.bench.paper.PaperPlan;
import dev.kiln.bench.torch.CompareRun;
import dev.kiln.samples.models.Models;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CommandLineTest {
    private static PaperPlan paper(String... args) {
        PaperCommand c = new PaperCommand();
        new CommandLine(c).parseArgs(args);
        return c.plan();
    }

    @Test
    void paperDefaultsToAllModelsAndThePapersBatchSizes() {
        PaperPlan p = paper();
        assertEquals(Models.NAMES, p.models());
        assertEquals(List.of(16, 32, 64, 128, 256), p.batches());
        assertEquals(10, p.timing().runs());
        assertEquals(PaperPlan.ALL_PARTS, p.parts());
        assertFalse(p.ablationModels().contains("lstm"), "the paper's ablation leaves the LSTM out");
        assertEquals(1L << 30, p.memoryBudget());
    }

    @Test
    void paperOptionsShapeThePlan() {
        PaperPlan p = paper("--models", "ffnn,mnist_cnn", "--batches", "8, 64", "--epochs", "2", "--skip", "memory",
                "--memory-budget", "256m", "--backend", "interpreter");
        assertEquals(List.of("ffnn", "mnist_cnn"), p.models());
        assertEquals(List.of(8, 64), p.batches());
        assertEquals(2, p.epochs());
        assertFalse(p.runs("memory"));
        assertTrue(p.runs("ablation"));
        assertEquals(256L << 20, p.memoryBudget());
        assertEquals("interpreter", p.backend());
    }

    @Test
    void quickPlansAreSmall() {
        PaperPlan p = paper("--quick", "--backend", "interpreter");
        assertEquals(1, p.batches().size());
        assertTrue(p.timing().runs() <= 3);
        assertEquals(PaperCommand.QUICK_MODELS, p.models());
        assertFalse(p.realRun());
    }

    @Test
    void stepsAndEpochsExcludeEachOther() {
        assertThrows(CommandLine.ParameterException.class, () -> paper("--steps", "3", "--epochs", "1"));
    }

    @Test
    void badListsAreExplained() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> paper("--models", "resnet"));
        assertTrue(e.getMessage().contains("resnet"));
        assertThrows(IllegalArgumentException.class, () -> paper("--batches", "16,zero"));
        assertThrows(IllegalArgumentException.class, () -> paper("--batches", "0"));
        assertThrows(IllegalArgumentException.class, () -> paper("--skip", "figures"));
    }

    @Test
    void modelListsAcceptAllAndDropRepeats() {
        assertEquals(Models.NAMES, ModelList.parse(List.of("all")));
        assertEquals(Models.NAMES, ModelList.parse(null));
        assertEquals(List.of("lstm", "ffnn"), ModelList.parse(List.of("lstm,ffnn", "lstm")));
    }

    @Test
    void compareAddsTheLoopOnlyWhenAsked() {
        CompareCommand c = new CompareCommand();
        new CommandLine(c).parseArgs("--models", "ffnn", "--repeats", "2");
        CompareRun.Plan p = c.plan();
        assertEquals(List.of("sgd", "dp"), p.modes());
        assertEquals(2, p.repeats());
        assertEquals(List.of("ffnn"), p.models());
        CompareCommand d = new CompareCommand();
        new CommandLine(d).parseArgs("--torch-loop");
        assertEquals(List.of("sgd", "dp", "dp_loop"), d.plan().modes());
        assertEquals(Models.NAMES.size() * 3L * (2 + 2 * 5), d.plan().units());
    }

    @Test
    void stepRefusesALoopWithoutDp() {
        assertEquals(2, BenchCommand.execute("step", "--model", "ffnn", "--loop"));
        assertEquals(2, BenchCommand.execute("step", "--model", "resnet"));
    }
}
