package dev.kiln.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.privacy.accountant.RdpAccountant;
import org.junit.jupiter.api.Test;

class AccountantCommandTest {
    private static double number(String line, String prefix) {
        assertTrue(line.startsWith(prefix), line);
        return Double.parseDouble(line.substring(prefix.length()).split(" ")[0]);
    }

    @Test
    void printsEpsilonForSigmaAndSigmaForEpsilon() {
        TrainCommandTest.Result eps = TrainCommandTest.kiln("accountant", "--sigma", "1.1", "--q", "0.01", "--steps", "1000",
                "--delta", "1e-5");
        assertEquals(0, eps.code(), eps.err());
        double e = number(eps.out().strip(), "epsilon = ");
        assertEquals(RdpAccountant.epsilon(1.1, 0.01, 1000, 1e-5).epsilon(), e, 1e-5 * e);
        TrainCommandTest.Result sig = TrainCommandTest.kiln("accountant", "--epsilon", String.valueOf(e), "--q", "0.01",
                "--steps", "1000", "--delta", "1e-5");
        assertEquals(0, sig.code(), sig.err());
        assertEquals(1.1, number(sig.out().strip(), "sigma = "), 1e-4, "the inverse of the same accountant");
    }

    @Test
    void countsEpochsAsFloorOfNOverBSteps() {
        TrainCommandTest.Result r = TrainCommandTest.kiln("accountant", "--sigma", "1.0", "--dataset-size", "1000", "--batch",
                "300", "--epochs", "5");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("15 steps"), r.out());
        assertEquals(RdpAccountant.epsilon(1.0, 0.3, 15, 1e-5).epsilon(), number(r.out().strip(), "epsilon = "), 1e-4);
    }

    @Test
    void badInputIsAClearErrorNamingTheOption() {
        TrainCommandTest.Result q = TrainCommandTest.kiln("accountant", "--sigma", "1", "--q", "1.5", "--steps", "10");
        assertEquals(2, q.code());
        assertTrue(q.err().contains("--q must be in (0, 1]"), q.err());
        TrainCommandTest.Result q0 = TrainCommandTest.kiln("accountant", "--sigma", "1", "--q", "0", "--steps", "10");
        assertTrue(q0.err().contains("--q"), q0.err());
        TrainCommandTest.Result s = TrainCommandTest.kiln("accountant", "--sigma", "-1", "--q", "0.1", "--steps", "10");
        assertTrue(s.err().contains("--sigma must be finite and > 0"), s.err());
        TrainCommandTest.Result both = TrainCommandTest.kiln("accountant", "--sigma", "1", "--epsilon", "1", "--q", "0.1", "--steps", "10");
        assertTrue(both.err().contains("exactly one of --sigma"), both.err());
        TrainCommandTest.Result unreachable = TrainCommandTest.kiln("accountant", "--epsilon", "0.01", "--q", "0.1", "--steps", "10");
        assertEquals(2, unreachable.code());
        assertTrue(unreachable.err().contains("--epsilon 0.01") && unreachable.err().contains("not reachable"), unreachable.err());
        TrainCommandTest.Result missing = TrainCommandTest.kiln("accountant", "--sigma", "1", "--q", "0.1");
        assertTrue(missing.err().contains("--q and --steps together"), missing.err());
    }
}
