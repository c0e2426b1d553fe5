package dev.kiln.ir.verify;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ChecksTest {
    @Test
    void theTestSuiteRunsWithChecksOn() {
        // The build sets -Dkiln.checks=true for every module's tests, so the verifier and the
        // buffer validator see every graph and plan the suite compiles.
        assertTrue(Checks.enabled());
    }

    @Test
    void theSystemPropertyTurnsChecksOff() {
        String before = System.getProperty("kiln.checks");
        try {
            System.setProperty("kiln.checks", "false");
            assertFalse(Checks.enabled());
            System.setProperty("kiln.checks", "0");
            assertFalse(Checks.enabled());
            System.setProperty("kiln.checks", "1");
            assertTrue(Checks.enabled());
        } finally {
            if (before == null) {
                System.clearProperty("kiln.checks");
            } else {
                System.setProperty("kiln.checks", before);
            }
        }
    }
}
