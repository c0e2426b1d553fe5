package dev.kiln.vmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.Shape;
import dev.kiln.ir.TensorType;
import java.util.List;

/** Host-side slicing, stacking and comparison of arrays: the loop side of "vmap equals a loop". */
final class ArrayOps {
    private ArrayOps() {
    }

    /** Element {@code index} along {@code axis}, with that axis removed. */
    static ArrayData take(ArrayData a, int axis, int index) {
        Shape s = a.shape();
        int n = s.dim(axis);
        int outer = prefix(s, axis), inner = suffix(s, axis + 1);
        ArrayData out = ArrayData.zeros(a.type().withShape(s.without(axis)));
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                out.setDouble(o * inner + i, a.getDouble((o * n + index) * inner + i));
            }
        }
        return out;
    }

    /** {@code parts} (equal types) stacked along a new axis {@code axis}. */
    static ArrayData stack(List<ArrayData> parts, int axis) {
        TensorType t = parts.get(0).type();
        int b = parts.size();
        int outer = prefix(t.shape(), axis), inner = suffix(t.shape(), axis);
        ArrayData out = ArrayData.zeros(t.withShape(t.shape().with(axis, b)));
        for (int k = 0; k < b; k++) {
            ArrayData p = parts.get(k);
            assertEquals(t, p.type(), "stacked parts differ in type");
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    out.setDouble((o * b + k) * inner + i, p.getDouble(o * inner + i));
                }
            }
        }
        return out;
    }

    /**
     * Asserts equal types and elements: exactly when {@code rtol} is 0, else within
     * {@code rtol * max(1, |expected|)} (NaN matches NaN).
     */
    static void assertClose(ArrayData expected, ArrayData actual, double rtol, String what) {
        assertEquals(expected.type(), actual.type(), what + ": type");
        for (int i = 0; i < expected.size(); i++) {
            double e = expected.getDouble(i), a = actual.getDouble(i);
            if (Double.isNaN(e) && Double.isNaN(a) || e == a) {
                continue;
            }
            double tol = rtol * Math.max(1, Math.abs(e));
            if (!(Math.abs(e - a) <= tol)) {
                fail(what + ": element " + i + " expected " + e + " but got " + a + " (rtol " + rtol + ")\n expected "
                        + expected + "\n actual   " + actual);
            }
        }
    }

    /** The tolerance for float math in {@code dtype}: about 1e-5 relative for f32. */
    static double floatTolerance(DType dtype) {
        return dtype == DType.F64 ? 1e-11 : dtype == DType.F32 ? 2e-5 : 0;
    }

    private static int prefix(Shape s, int axis) {
        int p = 1;
        for (int i = 0; i < axis; i++) {
            p *= s.dim(i);
        }
        return p;
    }

    private static int suffix(Shape s, int from) {
        int p = 1;
        for (int i = from; i < s.rank(); i++) {
            p *= s.dim(i);
        }
        return p;
    }
}
