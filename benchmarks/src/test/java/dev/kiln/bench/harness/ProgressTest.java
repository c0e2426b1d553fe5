package dev.kiln.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {
    @Test
    void clockPrintsMinutesAndSecondsThenHours() {
        assertEquals("0m00s", Progress.clock(0));
        assertEquals("1m05s", Progress.clock(65));
        assertEquals("1h01m", Progress.clock(3660));
        assertEquals("0m00s", Progress.clock(-3));
    }

    @Test
    void withoutATerminalEachNewTaskPrintsALineWithItsShare() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, "t", 4)) {
            p.task("first");
            p.advance(2);
            p.task("second");
            p.advance(5);
            assertEquals(4, p.done());
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("[  0%] first"), out);
        assertTrue(out.contains("[ 50%] second"), out);
        assertTrue(out.contains("left)"), out);
    }
}
