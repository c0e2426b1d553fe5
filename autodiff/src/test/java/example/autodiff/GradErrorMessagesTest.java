package example.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.autodiff.Autodiff;
import dev.kiln.ir.DType;
import dev.kiln.ir.KilnException;
import dev.kiln.tracer.Fn1;
import dev.kiln.tracer.Fn2;
import dev.kiln.tracer.FnN;
import dev.kiln.tracer.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Errors of grad as a user sees them: they name the operation, the offending shape or dtype, and
 * the user's line. This test sits outside Kiln's packages on purpose, because source lines are
 * found by skipping Kiln's own frames.
 */
class GradErrorMessagesTest {

    @Test
    void gradOfANonScalarFunctionNamesTheShapeAndTheCallerLine() {
        FnN f = ((Fn1<Tensor, Tensor>) x -> x.mul(2.0)).erase();
        FnN g = Autodiff.grad(f, new int[] {0}, false);
        int line = new Throwable().getStackTrace()[0].getLineNumber() + 1;
        KilnException e = assertThrows(KilnException.class, () -> g.apply(List.of(Tensor.zeros(DType.F32, 128))));
        assertEquals("grad", e.operation());
        assertTrue(e.getMessage().startsWith("kiln: grad: the function must return a scalar, got f32[128]"),
                e.getMessage());
        assertTrue(e.hint().contains(".sum()") && e.hint().contains(".mean()"), e.hint());
        assertEquals("GradErrorMessagesTest.java", e.source().fileName());
        assertEquals(line, e.source().line());
    }

    @Test
    void gradWithRespectToAnIntegerArgumentNamesItAndItsDtype() {
        FnN f = ((Fn2<Tensor, Tensor, Tensor>) (x, ids) -> x.sum().add(ids.astype(DType.F64).sum())).erase();
        FnN g = Autodiff.grad(f, new int[] {0, 1}, false);
        int line = new Throwable().getStackTrace()[0].getLineNumber() + 2;
        KilnException e = assertThrows(KilnException.class,
                () -> g.apply(List.of(Tensor.of(new double[] {1, 2}), Tensor.of(new int[] {1, 2, 3}))));
        assertTrue(e.getMessage().startsWith("kiln: grad: cannot differentiate with respect to argument 1"),
                e.getMessage());
        assertTrue(e.getMessage().contains("i32[3]"), e.getMessage());
        assertEquals("GradErrorMessagesTest.java", e.source().fileName());
        assertEquals(line, e.source().line());
    }
}
