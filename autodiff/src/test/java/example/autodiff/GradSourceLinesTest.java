package example.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.kiln.autodiff.GradGraphs;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.DType;
import dev.kiln.tracer.Fn2;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.Tracing;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every backward equation points at the user line of the forward equation it differentiates. */
class GradSourceLinesTest {

    @Test
    void backwardEquationsKeepTheUsersLines() {
        Fn2<Tensor, Tensor, Tensor> loss = (w, x) -> {
            Tensor h = x.matmul(w).tanh();
            return h.mul(h).mean();
        };
        Graph g = Tracing.makeGraph(loss.erase(),
                List.of(TensorType.of(DType.F32, 3, 2), TensorType.of(DType.F32, 4, 3)));
        Graph grad = GradGraphs.grad(g, new boolean[] {true, false});
        assertFalse(grad.equations().isEmpty());
        for (Equation eq : grad.equations()) {
            assertEquals("GradSourceLinesTest.java", eq.source().fileName(), eq.primitive() + " at " + eq.source());
            assertEquals("lambda$backwardEquationsKeepTheUsersLines$0", eq.source().methodName());
        }
    }
}
