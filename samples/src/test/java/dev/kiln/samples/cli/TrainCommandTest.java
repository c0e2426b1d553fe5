package dev.kiln.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.KilnException;
import dev.kiln.samples.train.TrainConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TrainCommandTest {
    private static String error(String... args) {
        return assertThrows(KilnException.class, () -> TrainCommand.parse(args)).getMessage();
    }

    @Test
    void parsesEveryOption() {
        TrainConfig c = TrainCommand.parse("--model", "mnist_cnn", "--dp", "--epochs", "7", "--batch", "64", "--clip", "1.5",
                "--epsilon", "3", "--delta", "1e-6", "--lr", "0.05", "--optimizer", "momentum", "--sampling", "shuffle",
                "--virtual-batch", "16", "--data", "d", "--train-size", "500", "--test-size", "100", "--checkpoint", "ck",
                "--resume", "--seed", "42", "--secure", "--backend", "interpreter", "--per-layer", "--no-progress");
        assertEquals("mnist_cnn", c.model());
        assertTrue(c.dp() && c.resume() && c.secure() && c.perLayer());
        assertFalse(c.progress());
        assertEquals(7, c.epochs());
        assertEquals(64, c.batch());
        assertEquals(1.5, c.clip());
        assertNull(c.sigma());
        assertEquals(3.0, c.targetEpsilon());
        assertEquals(1e-6, c.delta());
        assertEquals(0.05, c.lrOrDefault());
        assertEquals("momentum", c.optimizer());
        assertEquals("shuffle", c.samplingOrDefault());
        assertEquals(16, c.virtualBatch());
        assertEquals(Path.of("d"), c.data());
        assertEquals(500, c.trainSize());
        assertEquals(100, c.testSize());
        assertEquals(Path.of("ck"), c.checkpoint());
        assertEquals(42, c.seed());
        assertEquals("interpreter", c.backend());
    }

    @Test
    void defaultsArePoissonForDpAndShuffleOtherwise() {
        TrainConfig dp = TrainCommand.parse("--model", "logreg", "--dp");
        assertEquals("poisson", dp.samplingOrDefault());
        assertEquals(1.0, dp.clipOrDefault());
        assertEquals(0.5, dp.lrOrDefault());
        assertEquals("shuffle", TrainCommand.parse("--model", "logreg").samplingOrDefault());
        assertEquals(0.002, TrainCommand.parse("--model", "logreg", "--optimizer", "adam").lrOrDefault());
    }

    @Test
    void badValuesNameTheirOption() {
        assertTrue(error("--model", "logreg", "--dp", "--clip", "0").contains("--clip"));
        assertTrue(error("--model", "logreg", "--dp", "--clip", "-1").contains("must be finite and > 0"));
        assertTrue(error("--model", "logreg", "--dp", "--sigma", "0").contains("--sigma"));
        assertTrue(error("--model", "logreg", "--dp", "--sigma", "1", "--epsilon", "2").contains("not both"));
        assertTrue(error("--model", "logreg", "--dp", "--epsilon", "-2").contains("--epsilon"));
        assertTrue(error("--model", "logreg", "--dp", "--delta", "1").contains("--delta"));
        assertTrue(error("--model", "logreg", "--lr", "0").contains("--lr"));
        assertTrue(error("--model", "logreg", "--optimizer", "rmsprop").contains("--optimizer"));
        assertTrue(error("--model", "logreg", "--sampling", "random").contains("--sampling"));
        assertTrue(error("--model", "logreg", "--epochs", "0").contains("--epochs"));
        assertTrue(error("--model", "logreg", "--batch", "0").contains("--batch"));
        assertTrue(error("--model", "logreg", "--virtual-batch", "-3").contains("--virtual-batch"));
        assertTrue(error("--model", "logreg", "--train-size", "0").contains("--train-size"));
        assertTrue(error("--model", "logreg", "--resume").contains("--resume needs --checkpoint"));
    }

    @Test
    void privacyOptionsWithoutDpAreRefused() {
        String e = error("--model", "logreg", "--sigma", "1.1");
        assertTrue(e.contains("--sigma") && e.contains("add --dp"), e);
        assertTrue(error("--model", "logreg", "--secure").contains("--secure"));
        assertTrue(error("--model", "logreg", "--clip", "2").contains("--clip"));
    }

    /** Runs {@code kiln ARGS}, returning the exit code and what it printed. */
    static Result kiln(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = KilnCommand.execute(args);
            return new Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    record Result(int code, String out, String err) {
    }

    @Test
    void trainReportsErrorsAsOneClearMessage() {
        Result r = kiln("train", "--model", "logreg", "--dp", "--clip", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("kiln: train: --clip"), r.err());
        Result big = kiln("train", "--model", "logreg", "--train-size", "50", "--test-size", "10", "--batch", "64",
                "--no-progress", "--backend", "interpreter");
        assertEquals(2, big.code());
        assertTrue(big.err().contains("--batch 64 is larger than the 50 training examples"), big.err());
        Result unreachable = kiln("train", "--model", "logreg", "--dp", "--epsilon", "0.01", "--train-size", "100",
                "--test-size", "10", "--batch", "10", "--no-progress", "--backend", "interpreter");
        assertEquals(2, unreachable.code());
        assertTrue(unreachable.err().contains("--epsilon 0.01") && unreachable.err().contains("not reachable"), unreachable.err());
        Result data = kiln("train", "--model", "logreg", "--data", "/nonexistent/adult", "--no-progress");
        assertEquals(2, data.code());
        assertTrue(data.err().contains("is not a folder"), data.err());
    }

    @Test
    void trainRunsAShortPrivateRunAndPrintsEpsilon() {
        Result r = kiln("train", "--model", "logreg", "--dp", "--epochs", "1", "--train-size", "256", "--test-size", "64",
                "--batch", "64", "--sigma", "1.1", "--no-progress", "--backend", "interpreter");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("steps counted as epochs x floor(N/B) = 1 x 4"), r.out());
        assertTrue(r.out().matches("(?s).*epoch 1/1: .*accuracy .*epsilon \\d.*"), r.out());
    }

    @Test
    void helpSaysHowStepsAreCounted() {
        Result train = kiln("train", "--help");
        assertTrue(train.out().contains("E x floor(N/B) steps"), train.out());
        Result acc = kiln("accountant", "--help");
        assertTrue(acc.out().contains("steps = E x floor(N/B)"), acc.out());
    }
}
