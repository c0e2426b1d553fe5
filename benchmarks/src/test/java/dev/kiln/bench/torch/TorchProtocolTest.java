package dev.kiln.bench.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.bench.torch.TorchProtocol.Failure;
import dev.kiln.bench.torch.TorchProtocol.Info;
import dev.kiln.bench.torch.TorchProtocol.Ready;
import dev.kiln.bench.torch.TorchProtocol.Times;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TorchProtocolTest {
    @Test
    void requestsAreOneLineOfWords() {
        assertEquals("setup ffnn-dp ffnn dp 128", TorchProtocol.setup("ffnn-dp", "ffnn", "dp", 128));
        assertEquals("run ffnn-dp 5", TorchProtocol.run("ffnn-dp", 5));
        assertEquals("free x", TorchProtocol.free("x"));
        assertEquals("info", TorchProtocol.info());
        assertEquals("quit", TorchProtocol.quit());
    }

    @Test
    void requestsRefuseWordsWithSpacesAndEmptyRuns() {
        assertThrows(IllegalArgumentException.class, () -> TorchProtocol.setup("a b", "ffnn", "dp", 1));
        assertThrows(IllegalArgumentException.class, () -> TorchProtocol.setup("a", "", "dp", 1));
        assertThrows(IllegalArgumentException.class, () -> TorchProtocol.run("a", 0));
    }

    @Test
    void repliesParseIntoRecords() {
        Ready r = assertInstanceOf(Ready.class, TorchProtocol.parse("ready ffnn-dp 5352 12.500000"));
        assertEquals(new Ready("ffnn-dp", 5352, 12.5), r);
        Times t = assertInstanceOf(Times.class, TorchProtocol.parse("times ffnn-dp 1.5 2.25 3"));
        assertEquals("ffnn-dp", t.id());
        assertArrayEquals(new double[] {1.5, 2.25, 3}, t.millis());
        Info i = assertInstanceOf(Info.class, TorchProtocol.parse("info torch=1.13.0a0 threads=2 blas=openblas"));
        assertEquals(Map.of("torch", "1.13.0a0", "threads", "2", "blas", "openblas"), i.fields());
        assertEquals("?", i.get("missing"));
        assertEquals(new TorchProtocol.Freed("x"), TorchProtocol.parse("freed x"));
        assertInstanceOf(TorchProtocol.Bye.class, TorchProtocol.parse("bye"));
    }

    @Test
    void errorsKeepTheWholeMessage() {
        Failure f = assertInstanceOf(Failure.class,
                TorchProtocol.parse("error lstm_nn-dp RuntimeError: vmap: It looks like you're calling .item()"));
        assertEquals("lstm_nn-dp", f.id());
        assertEquals("RuntimeError: vmap: It looks like you're calling .item()", f.message());
    }

    @Test
    void malformedRepliesQuoteTheLine() {
        for (String bad : List.of("ready x 12", "times x", "times x 1.0 abc", "info nokey", "hello", "ready x y z")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TorchProtocol.parse(bad));
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> TorchProtocol.parse(null));
    }
}
