package dev.kiln.tracer;

import static dev.kiln.tracer.TestData.assertClose;
import static dev.kiln.tracer.TestData.f32;
import static dev.kiln.tracer.TestData.i32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.Atom;
import dev.kiln.ir.DType;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.Literal;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.DotGeneral;
import dev.kiln.ir.prim.Primitive;
import dev.kiln.ir.prim.Reshape;
import dev.kiln.ir.prim.Unary;
import dev.kiln.ir.prim.UnaryOp;
import dev.kiln.tracer.tree.TreeDef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TracingTest {

    private static List<Primitive> primitives(Graph g) {
        return g.equations().stream().map(Equation::primitive).toList();
    }

    @Test
    void traceRecordsOneEquationPerPrimitiveInOrder() {
        Fn2<Tensor, Tensor, Tensor> f = (x, w) -> x.matmul(w).add(1.0).relu();
        Graph g = Tracing.makeGraph(f.erase(), List.of(f32(8, 104), f32(104, 2)));
        assertEquals(List.of(DotGeneral.matmul(), new Binary(BinaryOp.ADD), new Binary(BinaryOp.MAX)), primitives(g));
        assertEquals(List.of(f32(8, 104), f32(104, 2)), g.inputTypes());
        assertEquals(List.of(f32(8, 2)), g.outputTypes());
        List<Equation> eqs = g.equations();
        assertSame(g.inputs().get(0), eqs.get(0).input(0));
        assertSame(g.inputs().get(1), eqs.get(0).input(1));
        assertSame(eqs.get(0).out(), eqs.get(1).input(0));
        assertSame(eqs.get(2).out(), g.outputs().get(0));
    }

    @Test
    void javaScalarsBecomeLiteralsOfTheTensorsDtype() {
        Fn1<Tensor, Tensor> f = x -> x.mul(2).add(0.5);
        Graph g = Tracing.makeGraph(f.erase(), List.of(TensorType.of(DType.F64, 3)));
        assertEquals(Literal.of(2, DType.F64), g.equations().get(0).input(1));
        assertEquals(Literal.of(0.5, DType.F64), g.equations().get(1).input(1));
        assertTrue(g.constants().isEmpty());
    }

    @Test
    void closedOverArraysBecomeConstantsOnceEach() {
        Tensor bias = Tensor.of(new float[] {1, 2, 3});
        Fn1<Tensor, Tensor> f = x -> x.add(bias).mul(bias);
        Graph g = Tracing.makeGraph(f.erase(), List.of(f32(3)));
        assertEquals(1, g.constants().size(), "the same tensor is one constant");
        assertSame(bias.data(), g.constants().get(0).value());
        Var c = g.constants().get(0).var();
        assertSame(c, g.equations().get(0).input(1));
        assertSame(c, g.equations().get(1).input(1));
    }

    @Test
    void closedOverScalarIsALiteralInElementwiseOpsAndAConstantElsewhere() {
        Tensor s = Tensor.scalar(4);
        Fn1<Tensor, Tensor> f = x -> x.mul(s);
        Graph g = Tracing.makeGraph(f.erase(), List.of(f32(3)));
        assertEquals(Literal.of(4, DType.F32), g.equations().get(0).input(1));
        Fn1<Tensor, Tensor> h = x -> x.add(s.reshape(1));
        Graph g2 = Tracing.makeGraph(h.erase(), List.of(f32(3)));
        assertInstanceOf(Reshape.class, g2.equations().get(0).primitive());
        assertEquals(1, g2.constants().size());
    }

    @Test
    void returningAnInputOrAConstantNeedsNoEquation() {
        Fn2<Tensor, Tensor, Object> f = (a, b) -> List.of(b, a);
        Graph g = Tracing.makeGraph(f.erase(), List.of(f32(2), i32(3)));
        assertTrue(g.equations().isEmpty());
        assertEquals(List.of(g.inputs().get(1), g.inputs().get(0)), g.outputs());
        Tensor k = Tensor.of(new float[] {5});
        Fn1<Tensor, Tensor> c = x -> k;
        Graph g2 = Tracing.makeGraph(c.erase(), List.of(f32(2)));
        assertSame(g2.constants().get(0).var(), g2.outputs().get(0));
    }

    @Test
    void pytreeArgumentsAndResultsKeepTheirStructure() {
        record Params(Tensor w, Tensor b, int stride) {
        }
        Fn2<Params, Tensor, Map<String, Tensor>> f = (p, x) -> Map.of("y", x.matmul(p.w()).add(p.b()));
        Params spec = new Params(Tensor.of(new float[6], 3, 2), Tensor.of(new float[2]), 2);
        TracedFunction t = Tracing.trace(f.erase(), List.of(spec, f32(4, 3)), "jit(f)");
        assertEquals(3, t.argLeafCount());
        assertEquals(List.of(f32(3, 2), f32(2), f32(4, 3)), t.graph().inputTypes());
        assertInstanceOf(TreeDef.MapNode.class, t.outTree());
        assertEquals(List.of("args[0].w", "args[0].b", "args[1]"), t.inTree().leafPaths("args"));
        assertTrue(t.captured().isEmpty());
    }

    @Test
    void tracersCarryTypesButNoValues() {
        Fn1<Tensor, Tensor> f = x -> {
            assertFalse(x.isConcrete());
            assertEquals(f32(2, 3), x.type());
            assertTrue(x.toString().contains("Tracer<f32[2,3]> in label-x"), x.toString());
            return x;
        };
        Tracing.trace(f.erase(), List.of(f32(2, 3)), "label-x");
        assertNull(Trace.current(), "the trace ended");
    }

    @Test
    void applyRunsAGraphEagerlyAndInlinedWithIdenticalResults() {
        Fn2<Tensor, Tensor, Tensor> f = (x, w) -> x.matmul(w).tanh().mul(3).sum(0);
        Tensor x = TestData.randomF32(1, 4, 3), w = TestData.randomF32(2, 3, 5);
        Graph g = Tracing.makeGraph(f.erase(), List.of(x, w));
        Tensor eager = Tracing.apply(g, List.of(x, w)).get(0);
        Tensor direct = f.apply(x, w);
        // Inline the graph into an enclosing trace, then run that.
        Fn2<Tensor, Tensor, Tensor> outer = (a, b) -> Tracing.apply(g, List.of(a, b)).get(0).add(0.0);
        Graph inlined = Tracing.makeGraph(outer.erase(), List.of(x, w));
        assertEquals(g.equations().size() + 1, inlined.equations().size(), "the inner equations are replayed");
        for (int i = 0; i < g.equations().size(); i++) {
            assertEquals(g.equations().get(i).primitive(), inlined.equations().get(i).primitive());
            assertEquals(g.equations().get(i).source(), inlined.equations().get(i).source(), "source lines survive");
        }
        Tensor viaInline = Tracing.apply(inlined, List.of(x, w)).get(0);
        assertClose(eager.toDoubleArray(), direct, 0);
        assertClose(eager.toDoubleArray(), viaInline, 0);
    }

    @Test
    void applyReplaysConstantsAndLiterals() {
        Tensor k = Tensor.of(new float[] {1, 2});
        Fn1<Tensor, Tensor> f = x -> x.add(k).mul(10);
        Graph g = Tracing.makeGraph(f.erase(), List.of(f32(2)));
        Fn1<Tensor, Tensor> outer = x -> Tracing.apply(g, List.of(x)).get(0);
        Graph inlined = Tracing.makeGraph(outer.erase(), List.of(f32(2)));
        assertEquals(1, inlined.constants().size());
        assertEquals(Literal.of(10, DType.F32), inlined.equations().get(1).input(1));
        assertClose(new double[] {10, 30}, Tracing.apply(inlined, List.of(Tensor.of(new float[] {0, 1}))).get(0), 0);
    }

    @Test
    void applyChecksTheNumberAndTypesOfInputs() {
        Fn1<Tensor, Tensor> f = Tensor::exp;
        Graph g = Tracing.makeGraph(f.erase(), List.of(f32(2)));
        assertThrows(IllegalArgumentException.class, () -> Tracing.apply(g, List.of()));
        assertThrows(IllegalArgumentException.class, () -> Tracing.apply(g, List.of(Tensor.of(new float[3]))));
    }

    @Test
    void nestedTraceCapturesTracersOfTheEnclosingTrace() {
        List<TracedFunction> inner = new ArrayList<>();
        Fn1<Tensor, Tensor> outer = x -> {
            Fn1<Tensor, Tensor> closesOverX = y -> y.mul(x);
            TracedFunction t = Tracing.trace(closesOverX.erase(), List.of(f32(3)), "inner");
            inner.add(t);
            List<Tensor> args = new ArrayList<>();
            args.add(x.add(1.0));
            args.addAll(t.captured());
            return Tracing.apply(t.graph(), args).get(0);
        };
        TracedFunction o = Tracing.trace(outer.erase(), List.of(f32(3)), "outer");
        TracedFunction t = inner.get(0);
        assertEquals(1, t.argLeafCount());
        assertEquals(2, t.graph().inputs().size(), "argument plus one captured outer tracer");
        assertEquals(1, t.captured().size());
        assertEquals(f32(3), t.captured().get(0).type());
        assertEquals(List.of(new Binary(BinaryOp.MUL)), primitives(t.graph()));
        assertSame(t.graph().inputs().get(1), t.graph().equations().get(0).input(1));
        assertTrue(o.captured().isEmpty(), "nothing escapes the outer trace");
        assertEquals(List.of(new Binary(BinaryOp.ADD), new Binary(BinaryOp.MUL)), primitives(o.graph()));
        Tensor in = Tensor.of(new float[] {1, 2, 3});
        assertClose(new double[] {2, 6, 12}, Tracing.apply(o.graph(), List.of(in)).get(0), 0);
    }

    @Test
    void capturingTheSameOuterTracerTwiceMakesOneInput() {
        Fn1<Tensor, Tensor> outer = x -> {
            Fn1<Tensor, Tensor> g = y -> y.mul(x).add(x);
            TracedFunction t = Tracing.trace(g.erase(), List.of(f32(2)), "inner");
            assertEquals(1, t.captured().size());
            return x;
        };
        Tracing.trace(outer.erase(), List.of(f32(2)), "outer");
    }

    @Test
    void usingATracerAfterItsTraceEndedIsAnError() {
        Tensor[] leaked = new Tensor[1];
        Fn1<Tensor, Tensor> f = x -> {
            leaked[0] = x;
            return x.exp();
        };
        Tracing.trace(f.erase(), List.of(f32(2)), "jit(leaky)");
        KilnException eager = assertThrows(KilnException.class, () -> leaked[0].add(1.0));
        assertTrue(eager.getMessage().contains("a traced f32[2] from jit(leaky) was used outside it after that trace ended"),
                eager.getMessage());
        Fn1<Tensor, Tensor> g = y -> y.add(leaked[0]);
        KilnException inOther = assertThrows(KilnException.class,
                () -> Tracing.trace(g.erase(), List.of(f32(2)), "jit(other)"));
        assertTrue(inOther.getMessage().contains("from jit(leaky) was used in jit(other) after that trace ended"),
                inOther.getMessage());
        assertTrue(inOther.getMessage().contains("return them from the function"), inOther.getMessage());
        assertNull(Trace.current(), "a failed trace is popped");
    }

    @Test
    void readingATracerNamesTheOperationAndTheTrace() {
        for (var read : List.<Fn1<Tensor, Object>>of(Tensor::item, Tensor::toFloatArray, Tensor::toDoubleArray,
                Tensor::toIntArray, Tensor::data)) {
            Fn1<Tensor, Tensor> f = x -> {
                read.apply(x);
                return x;
            };
            KilnException e = assertThrows(KilnException.class, () -> Tracing.trace(f.erase(), List.of(f32(1)), "grad(loss)"));
            assertTrue(e.getMessage().contains("cannot read the value of a traced f32[1] inside grad(loss)"), e.getMessage());
            assertTrue(e.getMessage().contains("Tensor.where"), e.getMessage());
        }
    }

    @Test
    void itemNeedsExactlyOneElement() {
        KilnException e = assertThrows(KilnException.class, () -> Tensor.of(new float[] {1, 2}).item());
        assertTrue(e.getMessage().contains("item(): needs a tensor with one element, got f32[2]"), e.getMessage());
        assertEquals(3.5, Tensor.of(new double[] {3.5}, 1, 1).item());
    }

    @Test
    void returningAnAbstractTypeIsAnError() {
        Fn1<Tensor, Object> f = x -> f32(2);
        KilnException e = assertThrows(KilnException.class, () -> Tracing.trace(f.erase(), List.of(f32(2)), "jit(f)"));
        assertTrue(e.getMessage().contains("returned an abstract f32[2]"), e.getMessage());
    }

    @Test
    void wrongArgumentCountIsAnError() {
        Fn2<Tensor, Tensor, Tensor> f = Tensor::add;
        KilnException e = assertThrows(KilnException.class, () -> f.erase().apply(List.of(Tensor.scalar(1))));
        assertTrue(e.getMessage().contains("function takes 2 arguments, got 1"), e.getMessage());
    }

    @Test
    void eagerModeRunsOperationsAtOnce() {
        assertNull(Trace.current());
        Tensor y = Tensor.of(new float[] {1, 4}).sqrt();
        assertTrue(y.isConcrete());
        assertClose(new double[] {1, 2}, y, 0);
    }

    @Test
    void dispatchBindRecordsTheGivenSourceLocation() {
        var where = new dev.kiln.ir.SourceLocation("my.Model", "loss", "Model.java", 42);
        Fn1<Tensor, Tensor> f = x -> Dispatch.bind(new Unary(UnaryOp.EXP), List.of(x), where);
        Graph g = Tracing.makeGraph(f.erase(), List.of(f32(2)));
        assertEquals(where, g.equations().get(0).source());
        Atom out = g.outputs().get(0);
        assertSame(g.equations().get(0).out(), out);
    }
}
