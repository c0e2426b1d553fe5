package dev.kiln.privacy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.KilnException;
import dev.kiln.runtime.Kiln;
import dev.kiln.tracer.Random;
import dev.kiln.tracer.Tensor;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class NoiseTest {
    record Two(Tensor a, Tensor b) {
    }

    private static final int N = 100_000;

    @Test
    void noiseHasTheRequestedStandardDeviationAndIndependentLeaves() {
        double std = 2.5;
        Two like = new Two(Tensor.zeros(400, 250), Tensor.zeros(N));
        Two noise = Noise.gaussian(Random.key(42), like, std);
        float[] a = noise.a().toFloatArray();
        float[] b = noise.b().toFloatArray();
        for (float[] v : List.of(a, b)) {
            double mean = Arrays.stream(toDouble(v)).average().orElseThrow();
            double var = Arrays.stream(toDouble(v)).map(x -> (x - mean) * (x - mean)).sum() / (v.length - 1);
            // Standard errors at n = 1e5: mean 0.008, standard deviation 0.22%, tail fraction 0.00066.
            assertEquals(0, mean, 0.04, "mean");
            assertEquals(std, Math.sqrt(var), 0.015 * std, "standard deviation");
            long beyond2 = Arrays.stream(toDouble(v)).filter(x -> Math.abs(x) > 2 * std).count();
            assertEquals(0.0455, beyond2 / (double) v.length, 0.004, "Gaussian tail mass beyond 2 sigma");
        }
        double corr = 0;
        for (int i = 0; i < N; i++) {
            corr += a[i] * (double) b[i];
        }
        corr /= N * std * std;
        assertEquals(0, corr, 0.02, "each leaf must get its own key");
    }

    @Test
    void sameKeySameNoiseEagerAndJittedDifferentKeyDifferentNoise() {
        Two like = new Two(Tensor.zeros(3, 4), Tensor.zeros(5));
        Two eager = Noise.gaussian(Random.key(7), like, 1.0);
        var jitted = Kiln.jit((Tensor k, Two t) -> Noise.gaussian(k, t, 1.0));
        Two j = jitted.apply(Random.key(7), like);
        assertArrayEquals(eager.a().toFloatArray(), j.a().toFloatArray());
        assertArrayEquals(eager.b().toFloatArray(), j.b().toFloatArray());
        Two other = Noise.gaussian(Random.key(8), like, 1.0);
        assertFalse(Arrays.equals(eager.a().toFloatArray(), other.a().toFloatArray()));
    }

    @Test
    void zeroStdAddsNothingAndNegativeStdIsAnError() {
        Two t = new Two(Tensor.ones(2), Tensor.ones(3));
        assertSame(t, Noise.addGaussian(t, Random.key(1), 0));
        KilnException e = assertThrows(KilnException.class, () -> Noise.addGaussian(t, Random.key(1), -1));
        assertTrue(e.getMessage().contains(">= 0"), e.getMessage());
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
