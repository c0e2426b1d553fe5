package dev.kiln.ir.interp;

import static dev.kiln.ir.interp.TestData.assertExact;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Atom;
import dev.kiln.ir.DType;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.GraphBuilder;
import dev.kiln.ir.Ints;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.Literal;
import dev.kiln.ir.SourceLocation;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.BroadcastInDim;
import dev.kiln.ir.prim.DotGeneral;
import dev.kiln.ir.prim.ReduceSum;
import dev.kiln.ir.prim.Unary;
import dev.kiln.ir.prim.UnaryOp;
import java.util.List;
import org.junit.jupiter.api.Test;

class GraphRunTest {
    private static final SourceLocation HERE = SourceLocation.UNKNOWN;

    /** z = x @ w + broadcast(b), the design's example; also returns sum(z) * 0.5 and the input x itself. */
    private static Graph linearLayer() {
        GraphBuilder g = new GraphBuilder();
        Var x = g.addInput(TensorType.of(DType.F32, 2, 3));
        Var w = g.addConstant(ArrayData.of(new float[] {1, 0, 0, 1, 1, 1}, 3, 2));
        Var b = g.addInput(TensorType.of(DType.F32, 2));
        Var y = g.addEquation(DotGeneral.matmul(), List.of(x, w), HERE);
        Var bb = g.addEquation(new BroadcastInDim(dev.kiln.ir.Shape.of(2, 2), Ints.of(1)), List.of(b), HERE);
        Var z = g.addEquation(new Binary(BinaryOp.ADD), List.of(y, bb), HERE);
        Var s = g.addEquation(new ReduceSum(Ints.of(0, 1)), List.of(z), HERE);
        Var half = g.addEquation(new Binary(BinaryOp.MUL), List.of(s, Literal.of(0.5, DType.F32)), HERE);
        return g.build(List.of(z, half, x));
    }

    @Test
    void runsEquationsInOrderWithConstantsAndLiterals() {
        ArrayData x = ArrayData.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        ArrayData b = ArrayData.of(new float[] {10, 20}, 2);
        List<ArrayData> out = Interpreter.run(linearLayer(), List.of(x, b));
        assertEquals(3, out.size());
        // x @ w = [[1+3, 2+3], [4+6, 5+6]] = [[4, 5], [10, 11]]
        assertExact(ArrayData.of(new float[] {14, 25, 20, 31}, 2, 2), out.get(0), "z");
        assertExact(ArrayData.scalar(45, DType.F32), out.get(1), "sum(z) * 0.5");
        assertExact(x, out.get(2), "x passed through");
    }

    @Test
    void outputsNeverAliasInputsOrConstants() {
        ArrayData x = ArrayData.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        List<ArrayData> out = Interpreter.run(linearLayer(), List.of(x, ArrayData.of(new float[] {0, 0}, 2)));
        out.get(2).floatStorage()[0] = 99;
        assertEquals(1f, x.floatStorage()[0]);
        GraphBuilder g = new GraphBuilder();
        Var c = g.addConstant(ArrayData.of(new double[] {1, 2}, 2));
        Graph graph = g.build(List.of(c));
        Interpreter.run(graph, List.of()).get(0).doubleStorage()[0] = 99;
        assertExact(ArrayData.of(new double[] {1, 2}, 2), Interpreter.run(graph, List.of()).get(0), "constant");
    }

    @Test
    void aLiteralOutputBecomesARankZeroArray() {
        Graph g = new GraphBuilder().build(List.of(Literal.of(3, DType.I32)));
        assertExact(ArrayData.scalar(3, DType.I32), Interpreter.run(g, List.of()).get(0), "literal output");
    }

    @Test
    void wrongInputCountIsAnError() {
        KilnException e = assertThrows(KilnException.class,
                () -> Interpreter.run(linearLayer(), List.of(ArrayData.zeros(TensorType.of(DType.F32, 2, 3)))));
        assertEquals("interpreter", e.operation());
        assertTrue(e.getMessage().contains("takes 2 inputs") && e.getMessage().contains("got 1"), e.getMessage());
    }

    @Test
    void wrongInputTypeIsAnErrorNamingBothTypes() {
        KilnException dtype = assertThrows(KilnException.class, () -> Interpreter.run(linearLayer(),
                List.of(ArrayData.zeros(TensorType.of(DType.F64, 2, 3)), ArrayData.zeros(TensorType.of(DType.F32, 2)))));
        assertTrue(dtype.getMessage().contains("input 0 must be f32[2,3], got f64[2,3]"), dtype.getMessage());
        KilnException shape = assertThrows(KilnException.class, () -> Interpreter.run(linearLayer(),
                List.of(ArrayData.zeros(TensorType.of(DType.F32, 2, 3)), ArrayData.zeros(TensorType.of(DType.F32, 3)))));
        assertTrue(shape.getMessage().contains("input 1 must be f32[2], got f32[3]"), shape.getMessage());
    }

    @Test
    void aMalformedGraphIsReportedNotMisread() {
        Var x = new Var(TensorType.of(DType.F32, 2));
        Var wrong = new Var(TensorType.of(DType.F32, 3));
        SourceLocation line = new SourceLocation("demo.M", "f", "M.java", 7);
        Graph g = new Graph(List.of(x), List.of(), List.of(new Equation(new Unary(UnaryOp.EXP), List.<Atom>of(x), wrong, line)),
                List.of(wrong));
        KilnException e = assertThrows(KilnException.class, () -> Interpreter.run(g, List.of(ArrayData.of(new float[] {1, 2}, 2))));
        assertTrue(e.getMessage().contains("f32[3]") && e.getMessage().contains("M.java:7"), e.getMessage());
        Var unbound = new Var(TensorType.of(DType.F32, 2));
        Graph h = new Graph(List.of(x), List.of(), List.of(), List.of(unbound));
        assertThrows(KilnException.class, () -> Interpreter.run(h, List.of(ArrayData.of(new float[] {1, 2}, 2))));
    }
}
