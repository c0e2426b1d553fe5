package dev.kiln.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.kiln.ir.ArrayCompare;
import dev.kiln.ir.DType;
import dev.kiln.ir.TensorType;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.tree.PyTree;
import java.util.List;
import java.util.Random;

/** Seeded random tensors and pytree comparisons for the runtime's tests. */
public final class TestTensors {
    private final Random random;

    public TestTensors(long seed) {
        this.random = new Random(seed);
    }

    /** Uniform on [-1, 1). */
    public Tensor f32(int... shape) {
        float[] v = new float[TensorType.of(DType.F32, shape).numel()];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextFloat() * 2 - 1;
        }
        return Tensor.of(v, shape);
    }

    public Tensor f64(int... shape) {
        double[] v = new double[TensorType.of(DType.F64, shape).numel()];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextDouble() * 2 - 1;
        }
        return Tensor.of(v, shape);
    }

    /** Integers in [0, bound). */
    public Tensor i32(int bound, int... shape) {
        int[] v = new int[TensorType.of(DType.I32, shape).numel()];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextInt(bound);
        }
        return Tensor.of(v, shape);
    }

    /**
     * Asserts two pytrees have the same structure (static values included) and close leaves of
     * equal types.
     */
    public static void assertTreeClose(Object expected, Object actual, double tol, String what) {
        PyTree.Flat e = PyTree.flatten(expected, what);
        PyTree.Flat a = PyTree.flatten(actual, what);
        assertEquals(e.def(), a.def(), what + ": tree structure");
        List<String> paths = e.def().leafPaths(what);
        for (int i = 0; i < e.leaves().size(); i++) {
            Tensor te = assertInstanceOf(Tensor.class, e.leaves().get(i));
            Tensor ta = assertInstanceOf(Tensor.class, a.leaves().get(i));
            assertEquals(te.type(), ta.type(), paths.get(i) + ": type");
            ArrayCompare.assertClose(te.data(), ta.data(), tol, tol, paths.get(i));
        }
    }

    /** Asserts two pytrees are equal element for element (same structure, types and values). */
    public static void assertTreeEquals(Object expected, Object actual, String what) {
        assertTreeClose(expected, actual, 0, what);
    }
}
