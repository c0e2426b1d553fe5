package com.example.tracer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.ir.DType;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.TensorType;
import dev.kiln.tracer.Fn2;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.Tracing;
import dev.kiln.tracer.nn.Functional;
import dev.kiln.tracer.nn.Linear;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every traced equation remembers the user's line, also when it comes from a library layer. */
class SourceLinesTest {

    @Test
    void equationsRecordTheUsersLineNotKilnsInternals() {
        List<Integer> lines = new ArrayList<>();
        Fn2<Linear, Tensor, Tensor> f = (layer, x) -> {
            Tensor h = layer.apply(x); lines.add(UserLines.line());
            Tensor y = h.tanh(); lines.add(UserLines.line());
            return Functional.logSoftmax(y, -1);
        };
        Linear spec = new Linear(Tensor.of(new float[6], 2, 3), Tensor.of(new float[2]));
        Graph g = Tracing.makeGraph(f.erase(), List.of(spec, TensorType.of(DType.F32, 4, 3)));
        List<Equation> eqs = g.equations();
        // dot_general and the bias add (with its broadcast) come from layer.apply on the first line.
        assertEquals("dot_general", eqs.get(0).primitive().name());
        for (int i = 0; i < 3; i++) {
            assertEquals(lines.get(0), eqs.get(i).source().line(), eqs.get(i).primitive().name());
            assertEquals("SourceLinesTest.java", eqs.get(i).source().fileName());
        }
        assertEquals("tanh", eqs.get(3).primitive().name());
        assertEquals(lines.get(1), eqs.get(3).source().line());
        int softmaxLine = lines.get(1) + 1;
        for (Equation e : eqs.subList(4, eqs.size())) {
            assertEquals(softmaxLine, e.source().line(), e.primitive().name() + " from logSoftmax");
        }
        assertEquals("SourceLinesTest.java:" + softmaxLine, eqs.get(eqs.size() - 1).source().shortText());
    }
}
