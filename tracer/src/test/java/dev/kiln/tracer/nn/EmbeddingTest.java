package dev.kiln.tracer.nn;

import static dev.kiln.tracer.TestData.assertClose;
import static dev.kiln.tracer.TestData.f32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.KilnException;
import dev.kiln.tracer.Random;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.TestData;
import org.junit.jupiter.api.Test;

class EmbeddingTest {

    @Test
    void applyLooksUpOneRowPerToken() {
        Embedding e = new Embedding(TestData.randomF32(1, 50, 16));
        Tensor ids = TestData.randomInts(2, 50, 8, 10);
        Tensor y = e.apply(ids);
        float[] w = e.weight().toFloatArray();
        int[] iv = ids.toIntArray();
        double[] expected = new double[8 * 10 * 16];
        for (int t = 0; t < 80; t++) {
            for (int d = 0; d < 16; d++) {
                expected[t * 16 + d] = w[iv[t] * 16 + d];
            }
        }
        assertClose(f32(8, 10, 16), expected, y, 0);
    }

    @Test
    void initIsStandardNormal() {
        Embedding e = Embedding.init(Random.key(4), 1000, 20);
        assertEquals(f32(1000, 20), e.weight().type());
        int n = 20_000;
        assertEquals(0, e.weight().mean().item(), 5 / Math.sqrt(n));
        assertEquals(1, e.weight().square().mean().item(), 5 * Math.sqrt(2.0 / n));
    }

    @Test
    void floatTokenIdsAreRejected() {
        Embedding e = new Embedding(Tensor.of(new float[6], 3, 2));
        KilnException ex = assertThrows(KilnException.class, () -> e.apply(Tensor.of(new float[] {1, 2})));
        assertTrue(ex.getMessage().contains("embedding: indices must be i32, got f32[2]"), ex.getMessage());
    }
}
