package dev.kiln.samples.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.privacy.accountant.RdpAccountant;
import java.io.OutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

class TrainerAccountingTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @Test
    void epsilonCountsEpochsTimesFloorOfNOverBStepsAtQEqualsBOverN() {
        TestConfigs t = TestConfigs.dp("logreg");
        t.trainSize = 300;
        t.testSize = 50;
        t.batch = 32;
        t.epochs = 3;
        t.sigma = 1.2;
        Trainer.Outcome o = Trainer.run(t.build(), QUIET);
        assertEquals(9, o.stepsPerEpoch(), "floor(300 / 32)");
        for (EpochReport r : o.epochs()) {
            assertEquals(r.epoch() * 9L, r.steps());
            assertEquals(RdpAccountant.epsilon(1.2, 32.0 / 300, r.steps(), 1e-5).epsilon(), r.epsilon(), 1e-12);
        }
    }

    @Test
    void targetEpsilonIsReachedExactlyAfterTheLastEpoch() {
        TestConfigs t = TestConfigs.dp("logreg");
        t.trainSize = 300;
        t.testSize = 50;
        t.batch = 32;
        t.epochs = 2;
        t.sigma = null;
        t.epsilon = 2.5;
        Trainer.Outcome o = Trainer.run(t.build(), QUIET);
        double last = o.epochs().get(1).epsilon();
        assertTrue(last <= 2.5 && last > 2.49, "epsilon after all epochs " + last);
        assertTrue(o.epochs().get(0).epsilon() < last);
        assertEquals(RdpAccountant.noiseMultiplier(2.5, 32.0 / 300, 18, 1e-5), o.sigma());
    }
}
