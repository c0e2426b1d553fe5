package com.example.tracer;

import static com.example.tracer.UserLines.says;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.DType;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.TensorType;
import dev.kiln.tracer.Fn1;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.Tracing;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reading a value under a trace (JAX's ConcretizationTypeError): the error names the operation,
 * the trace and the user's line, and says what to do instead.
 */
class ConcretizationTest {
    private static final String FILE = "ConcretizationTest.java";
    private static final List<Object> ARGS = List.of(TensorType.of(DType.F32, 4));

    private static KilnException traceFails(Fn1<Tensor, Object> f, String label) {
        return assertThrows(KilnException.class, () -> Tracing.trace(f.erase(), ARGS, label));
    }

    @Test
    void itemUnderATraceNamesItemTheTraceAndTheLine() {
        int[] line = new int[1];
        Fn1<Tensor, Object> f = x -> {
            line[0] = UserLines.line(); return x.sum().item();
        };
        KilnException e = traceFails(f, "jit(step)");
        says(e, "item()", "cannot read the value of a traced f32[] inside jit(step)", "(" + FILE + ":" + line[0] + ")",
                "hint: use Tensor.where(...) instead of a Java if");
    }

    @Test
    void aJavaIfOnATensorFailsTheSameWay() {
        int[] line = new int[1];
        Fn1<Tensor, Object> relu = x -> {
            line[0] = UserLines.line(); if (x.sum().item() > 0) {
                return x;
            }
            return x.neg();
        };
        KilnException e = traceFails(relu, "grad(loss)");
        says(e, "item()", "inside grad(loss)", "(" + FILE + ":" + line[0] + ")");
    }

    @Test
    void copyingDataOutUnderATraceNamesTheMethod() {
        int[] line = new int[1];
        Fn1<Tensor, Object> f = x -> {
            line[0] = UserLines.line(); float[] values = x.toFloatArray();
            return Tensor.of(values);
        };
        KilnException e = traceFails(f, "vmap(f)");
        says(e, "toFloatArray()", "traced f32[4] inside vmap(f)", "(" + FILE + ":" + line[0] + ")");
        assertTrue(e.source().methodName().startsWith("lambda$"), e.source().toString());
    }
}
