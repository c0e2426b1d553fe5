package dev.kiln.ir.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.ir.DType;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.BinaryOp;
import java.util.List;
import org.junit.jupiter.api.Test;

class CanonicalKernelTest {

    /** {@code out[i] = x[i*stride] * scale} over {@code [0, n)}, with the given identities. */
    private static LoopKernel scale(int idBase, int n, int stride, double scale) {
        BufferRef x = new BufferRef(idBase, "x" + idBase, TensorType.of(DType.F32, n * stride), BufferRef.Kind.INPUT);
        BufferRef out = new BufferRef(idBase + 1, "o" + idBase, TensorType.of(DType.F32, n), BufferRef.Kind.VALUE);
        LoopVar i = new LoopVar(idBase + 7, "i" + idBase, n);
        Local v = new Local(idBase + 3, DType.F32, "v" + idBase);
        List<Stmt> body = List.of(new Stmt.Loop(i, true, true, List.of(
                new Stmt.Assign(v, new Expr.Binary(BinaryOp.MUL, new Expr.Load(x, Idx.of(i).times(stride)),
                        new Expr.Const(scale, DType.F32))),
                new Stmt.Store(out, Idx.of(i), new Expr.Read(v)))));
        return new LoopKernel("k" + idBase, List.of(x), List.of(out), List.of(), body, List.of());
    }

    private static CanonicalKernel canon(LoopKernel k) {
        return CanonicalKernel.of(k, List.of(k.reads().getFirst(), k.writes().getFirst()));
    }

    @Test
    void kernelsDifferingOnlyInIdentitiesAndBufferShapesAreEqual() {
        assertEquals(canon(scale(10, 8, 2, 0.5)), canon(scale(40, 8, 2, 0.5)));
        assertEquals(canon(scale(10, 8, 2, 0.5)).hashCode(), canon(scale(40, 8, 2, 0.5)).hashCode());
    }

    @Test
    void kernelsComputingSomethingElseDiffer() {
        CanonicalKernel base = canon(scale(10, 8, 2, 0.5));
        assertNotEquals(base, canon(scale(10, 9, 2, 0.5)));
        assertNotEquals(base, canon(scale(10, 8, 3, 0.5)));
        assertNotEquals(base, canon(scale(10, 8, 2, 0.25)));
    }

    @Test
    void parameterOrderMatters() {
        LoopKernel k = scale(10, 8, 1, 0.5);
        CanonicalKernel swapped = CanonicalKernel.of(k, List.of(k.writes().getFirst(), k.reads().getFirst()));
        assertNotEquals(canon(k), swapped);
    }

    @Test
    void aBufferMissingFromTheParametersIsRejected() {
        LoopKernel k = scale(10, 8, 1, 0.5);
        assertThrows(IllegalArgumentException.class, () -> CanonicalKernel.of(k, List.of(k.reads().getFirst())));
    }
}
