package dev.kiln.ir.interp;

import static dev.kiln.ir.interp.TestData.assertExact;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.ir.ArrayCompare;
import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.GraphBuilder;
import dev.kiln.ir.Literal;
import dev.kiln.ir.Shape;
import dev.kiln.ir.SourceLocation;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.Compare;
import dev.kiln.ir.prim.CompareOp;
import dev.kiln.ir.prim.Convert;
import dev.kiln.ir.prim.Iota;
import dev.kiln.ir.prim.Unary;
import dev.kiln.ir.prim.UnaryOp;
import java.util.List;
import org.junit.jupiter.api.Test;

class GraphCastsTest {
    private static final SourceLocation LINE = new SourceLocation("demo.Net", "loss", "Net.java", 12);

    /** out = exp(x * 0.1 + c) + convert_f32(labels) + iota_f32, and the bool mask labels > 0. */
    private static Graph mixed() {
        GraphBuilder g = new GraphBuilder();
        Var x = g.addInput(TensorType.of(DType.F32, 3));
        Var labels = g.addInput(TensorType.of(DType.I32, 3));
        Var c = g.addConstant(ArrayData.of(new float[] {0.5f, -1f, 2f}, 3));
        Var a = g.addEquation(new Binary(BinaryOp.MUL), List.of(x, Literal.of(0.1, DType.F32)), LINE);
        Var b = g.addEquation(new Binary(BinaryOp.ADD), List.of(a, c), LINE);
        Var e = g.addEquation(new Unary(UnaryOp.EXP), List.of(b), LINE);
        Var l = g.addEquation(new Convert(DType.F32), List.of(labels), LINE);
        Var i = g.addEquation(new Iota(DType.F32, Shape.of(3), 0), List.of(), LINE);
        Var s = g.addEquation(new Binary(BinaryOp.ADD), List.of(e, l), LINE);
        Var out = g.addEquation(new Binary(BinaryOp.ADD), List.of(s, i), LINE);
        Var mask = g.addEquation(new Compare(CompareOp.GT), List.of(labels, Literal.of(0, DType.I32)), LINE);
        return g.build(List.of(out, mask));
    }

    private static final List<ArrayData> F32_INPUTS = List.of(ArrayData.of(new float[] {1f / 3, 2, -7}, 3),
            ArrayData.of(new int[] {1, 0, -2}, 3));

    @Test
    void toF64PromotesEveryF32ValueAndLeavesOthers() {
        Graph g64 = GraphCasts.toF64(mixed());
        assertEquals(List.of(TensorType.of(DType.F64, 3), TensorType.of(DType.I32, 3)), g64.inputTypes());
        assertEquals(List.of(TensorType.of(DType.F64, 3), TensorType.of(DType.BOOL, 3)), g64.outputTypes());
        assertEquals(DType.F64, g64.constants().get(0).value().dtype());
        for (Equation eq : g64.equations()) {
            assertEquals(LINE, eq.source());
            eq.inputs().forEach(a -> assertEquals(false, a.dtype() == DType.F32, "operand of " + eq.primitive().name()));
        }
    }

    @Test
    void theF64ProgramComputesTheSameFunctionInDoublePrecision() {
        List<ArrayData> out32 = Interpreter.run(mixed(), F32_INPUTS);
        List<ArrayData> in64 = List.of(F32_INPUTS.get(0).convert(DType.F64), F32_INPUTS.get(1));
        List<ArrayData> out64 = Interpreter.run(GraphCasts.toF64(mixed()), in64);
        ArrayCompare.assertClose(out32.get(0), out64.get(0), 1e-6, 1e-6, "f32 vs f64 result");
        assertExact(out32.get(1), out64.get(1), "bool output untouched");
        // The f64 program really computes in double: element 0 is exp(x*0.1f + 0.5) + 1 + 0 in double.
        double x0 = (double) (1f / 3);
        double expected = Math.exp(x0 * (double) 0.1f + 0.5) + 1;
        assertEquals(expected, out64.get(0).doubleStorage()[0], 1e-15);
    }

    @Test
    void toF32UndoesToF64() {
        Graph back = GraphCasts.toF32(GraphCasts.toF64(mixed()));
        assertEquals(mixed().inputTypes(), back.inputTypes());
        assertEquals(mixed().outputTypes(), back.outputTypes());
        List<ArrayData> a = Interpreter.run(mixed(), F32_INPUTS), b = Interpreter.run(back, F32_INPUTS);
        assertExact(a.get(0), b.get(0), "round trip");
        assertExact(a.get(1), b.get(1), "round trip mask");
    }
}
