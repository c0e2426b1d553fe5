package dev.kiln.codegen.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.ArrayCompare;
import dev.kiln.runtime.Backends;
import dev.kiln.runtime.Kiln;
import dev.kiln.ir.DType;
import dev.kiln.tracer.Fn2;
import dev.kiln.tracer.Random;
import dev.kiln.tracer.Tensor;
import org.junit.jupiter.api.Test;

/** With codegen-jvm on the class path, ServiceLoader finds the JVM backend and jit uses it by default. */
class KilnJitOnJvmTest {

    @Test
    void theJvmBackendIsFoundAndIsTheDefault() {
        assertTrue(Backends.all().stream().anyMatch(b -> b.name().equals("jvm")));
        assertEquals("jvm", Backends.defaultBackend().name());
    }

    @Test
    void jitOnTheJvmMatchesEagerExecution() {
        Fn2<Tensor, Tensor, Tensor> f = (x, w) -> x.matmul(w).relu().mul(2.0).add(1.0).tanh();
        Tensor x = Tensor.of(new float[] {0.5f, -1f, 2f, 0.25f, 1.5f, -0.75f}, 2, 3);
        Tensor w = Tensor.of(new float[] {1f, -2f, 0.5f, 0.25f, -1f, 3f}, 3, 2);
        Tensor eager = f.apply(x, w);
        Tensor jitted = Kiln.jit(f).apply(x, w);
        ArrayCompare.assertClose(eager.data(), jitted.data(), 1e-6, 1e-6, "jit vs eager");
    }

    @Test
    void normalNoiseUnderJitMatchesEagerSamples() {
        // A DP-SGD update's work: the sampler fused into its consumer, over whole vectors and a
        // ragged tail (3003 elements, an odd draw), in f32 (erfinv) and f64 (Box-Muller).
        for (DType dt : new DType[] {DType.F32, DType.F64}) {
            Fn2<Tensor, Tensor, Tensor> f = (key, p) -> p.sub(Random.normal(key, new int[] {3, 1001}, dt).mul(0.5));
            Tensor key = Random.key(2024), p = Random.uniform(Random.key(1), new int[] {3, 1001}, 0, 1, dt);
            ArrayCompare.assertClose(f.apply(key, p).data(), Kiln.jit(f).apply(key, p).data(), 1e-5, 1e-6, dt + " noise");
        }
    }
}
