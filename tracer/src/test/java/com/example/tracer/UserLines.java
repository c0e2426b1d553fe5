package com.example.tracer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.KilnException;
import org.junit.jupiter.api.function.Executable;

/** Helpers that tie an error or an equation to the test source line that caused it. */
final class UserLines {
    private UserLines() {
    }

    /** The line number of the caller's call to this method. */
    static int line() {
        return StackWalker.getInstance().walk(s -> s.skip(1).findFirst().orElseThrow()).getLineNumber();
    }

    /**
     * Runs {@code body} (written on one line with the call) and returns the {@link KilnException} it
     * throws, after checking that the exception points at that line of {@code file}.
     */
    static KilnException failsHere(String file, Executable body) {
        // The first frame that is not a failsHere (this one or a test class's shorthand for it).
        int line = StackWalker.getInstance().walk(s -> s.dropWhile(f -> f.getMethodName().equals("failsHere"))
                .findFirst().orElseThrow()).getLineNumber();
        KilnException e = assertThrows(KilnException.class, body);
        String at = "(" + file + ":" + line + ")";
        assertTrue(e.getMessage().contains("\n  at ") && e.getMessage().contains(at),
                () -> "expected the message to point at " + at + ", got:\n" + e.getMessage());
        assertEquals(file, e.source().fileName());
        assertEquals(line, e.source().line());
        return e;
    }

    /** Asserts that {@code e}'s message starts with {@code kiln: op: } and contains every fragment. */
    static void says(KilnException e, String op, String... fragments) {
        assertTrue(e.getMessage().startsWith("kiln: " + op + ": "), () -> "operation " + op + " in:\n" + e.getMessage());
        assertEquals(op, e.operation());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "expected '" + f + "' in:\n" + e.getMessage());
        }
    }
}
