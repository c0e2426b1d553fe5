package dev.kiln.codegen.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.ArrayCompare;
import dev.kiln.runtime.Backends;
import dev.kiln.runtime.Kiln;
import dev.kiln.tracer.Fn2;
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
}
