package com.example.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.KilnException;

/** Ties an error to the test source line that caused it. */
final class UserLines {
    private UserLines() {
    }

    /** The line number of the caller's call to this method. */
    static int line() {
        return StackWalker.getInstance().walk(s -> s.skip(1).findFirst().orElseThrow()).getLineNumber();
    }

    /** Asserts that {@code e} points at {@code file:line} (in its message and its source). */
    static void pointsAt(KilnException e, String file, int line) {
        String at = "(" + file + ":" + line + ")";
        assertTrue(e.getMessage().contains("\n  at ") && e.getMessage().contains(at),
                () -> "expected the message to point at " + at + ", got:\n" + e.getMessage());
        assertEquals(file, e.source().fileName());
        assertEquals(line, e.source().line());
    }

    /** Asserts that {@code e}'s operation is {@code op} and its message contains every fragment. */
    static void says(KilnException e, String op, String... fragments) {
        assertEquals(op, e.operation(), e.getMessage());
        assertTrue(e.getMessage().startsWith("kiln: " + op + ": "), () -> "operation " + op + " in:\n" + e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "expected '" + f + "' in:\n" + e.getMessage());
        }
    }
}
