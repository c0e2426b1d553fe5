package dev.kiln.ir.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
import dev.kiln.ir.GraphBuilder;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.Literal;
import dev.kiln.ir.SourceLocation;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.Unary;
import dev.kiln.ir.prim.UnaryOp;
import dev.kiln.ir.verify.GraphEquivalence;
import java.util.List;
import org.junit.jupiter.api.Test;

class GraphPrinterTest {

    @Test
    void printsOneEquationALineWithSortedParamsAndConstantsAfterTheGraph() {
        assertEquals(SampleGraphs.LINEAR_TEXT, GraphPrinter.print(SampleGraphs.linear()));
    }

    @Test
    void printingIsDeterministicAndIndependentOfVariableIdentity() {
        Graph first = SampleGraphs.linear();
        Graph second = SampleGraphs.linear();
        assertEquals(GraphPrinter.print(first), GraphPrinter.print(first));
        assertEquals(GraphPrinter.print(first), GraphPrinter.print(second));
        assertFalse(first.inputs().get(0) == second.inputs().get(0), "fresh Vars each time");
    }

    @Test
    void namesCountInBase26LikeJax() {
        assertEquals("a", VarNames.encode(0));
        assertEquals("z", VarNames.encode(25));
        assertEquals("ba", VarNames.encode(26));
        assertEquals("bb", VarNames.encode(27));
        assertEquals("zz", VarNames.encode(26 * 26 - 1));
        assertEquals("baa", VarNames.encode(26 * 26));
    }

    @Test
    void reservedWordsAreNeverVariableNames() {
        // Enough variables that the sequence passes "in" (221), "inf" (5751), "let" (7559) and "nan" (8801).
        GraphBuilder b = new GraphBuilder();
        Var v = b.addInput(TensorType.of(DType.F32, 2));
        for (int i = 0; i < 10_000; i++) {
            v = b.addEquation(new Unary(UnaryOp.NEG), List.of(v), null);
        }
        Graph g = b.build(List.of(v));
        String text = GraphPrinter.print(g);
        for (String word : VarNames.RESERVED) {
            assertFalse(text.contains("\n    " + word + ":"), word + " was used as a name");
        }
        assertTrue(text.contains("\n    im:f32[2] = neg il\n    io:f32[2] = neg im\n"), "skips 'in' between im and io");
        assertTrue(GraphEquivalence.equivalent(g, GraphParser.parse(text)));
    }

    @Test
    void stageHeaderIsTheFirstLineAndTheParserSkipsIt() {
        String text = GraphPrinter.print(SampleGraphs.linear(), GraphPrinter.Options.DEFAULT.withStage("vmap(grad(loss))"));
        assertTrue(text.startsWith("# stage: vmap(grad(loss))\n{ lambda a:f32[2] ;"), text);
        assertEquals(GraphPrinter.print(SampleGraphs.linear()), GraphPrinter.print(GraphParser.parse(text)));
    }

    @Test
    void shortSourcesShowFileAndLine() {
        String text = GraphPrinter.print(SampleGraphs.linear(),
                GraphPrinter.Options.DEFAULT.withSources(GraphPrinter.Sources.SHORT));
        assertTrue(text.contains("] b c  @ Model.java:42\n"), text);
        assertTrue(text.contains("= add d e  @ Model.java:43\n"), text);
        assertTrue(text.contains("= mul f 2.0:f32\n"), "unknown sources print nothing: " + text);
        Graph back = GraphParser.parse(text);
        assertEquals(new SourceLocation("?", "?", "Model.java", 42), back.equations().get(0).source());
        assertEquals(SourceLocation.UNKNOWN, back.equations().get(3).source());
    }

    @Test
    void fullSourcesRoundTripEveryField() {
        String text = GraphPrinter.print(SampleGraphs.linear(),
                GraphPrinter.Options.DEFAULT.withSources(GraphPrinter.Sources.FULL));
        assertTrue(text.contains("= add d e  @ dev.example.Model.loss(Model.java:43)\n"), text);
        Graph back = GraphParser.parse(text);
        assertEquals(SampleGraphs.LINE_42, back.equations().get(0).source());
        assertEquals(SampleGraphs.LINE_43, back.equations().get(2).source());
        assertTrue(GraphEquivalence.equivalent(SampleGraphs.linear(), back));
    }

    @Test
    void literalsPrintWithTheirDtype() {
        GraphBuilder b = new GraphBuilder();
        Var f = b.addInput(TensorType.of(DType.F64, 3));
        Var i = b.addInput(TensorType.of(DType.I32, 3));
        Var p = b.addInput(TensorType.of(DType.BOOL, 3));
        Var s = b.addEquation(new dev.kiln.ir.prim.Select(), List.of(p, f, Literal.of(Double.NaN, DType.F64)), null);
        Var t = b.addEquation(new dev.kiln.ir.prim.Binary(dev.kiln.ir.prim.BinaryOp.MAX),
                List.of(s, Literal.of(Double.NEGATIVE_INFINITY, DType.F64)), null);
        Var u = b.addEquation(new dev.kiln.ir.prim.Binary(dev.kiln.ir.prim.BinaryOp.ADD), List.of(i, Literal.of(-3, DType.I32)), null);
        Var w = b.addEquation(new dev.kiln.ir.prim.Binary(dev.kiln.ir.prim.BinaryOp.AND), List.of(p, Literal.of(1, DType.BOOL)), null);
        Graph g = b.build(List.of(t, u, w, Literal.of(0.1, DType.F32)));
        String text = GraphPrinter.print(g);
        assertTrue(text.contains("= select c a nan:f64\n"), text);
        assertTrue(text.contains("= max d -inf:f64\n"), text);
        assertTrue(text.contains("= add b -3:i32\n"), text);
        assertTrue(text.contains("= and c true\n"), text);
        assertTrue(text.contains("in (e, f, g, 0.1:f32) }"), text);
        assertTrue(GraphEquivalence.equivalent(g, GraphParser.parse(text)));
    }

    @Test
    void constantValuesRoundTripBitForBit() {
        float payloadNan = Float.intBitsToFloat(0x7fc00001);
        float[] fs = {0f, -0f, 1.1f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NaN, payloadNan,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e-7f, 16777217f, (float) Math.PI};
        double[] ds = {-0.0, 0.1, Double.MIN_VALUE, Double.MAX_VALUE, Double.NaN, Double.longBitsToDouble(0x7ff0000000000001L),
            Double.NEGATIVE_INFINITY, Math.E};
        int[] is = {Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE};
        boolean[] bs = {true, false, true};
        GraphBuilder b = new GraphBuilder();
        List<Var> cs = List.of(b.addConstant(ArrayData.of(fs, 3, 4)), b.addConstant(ArrayData.of(ds, 8)),
                b.addConstant(ArrayData.of(is, 2, 2)), b.addConstant(ArrayData.of(bs, 3)),
                b.addConstant(ArrayData.of(new float[0], 0, 2)), b.addConstant(ArrayData.scalar(7, DType.I32)));
        Graph g = b.build(cs);
        String text = GraphPrinter.print(g);
        assertTrue(text.contains("const a:f32[3,4] = [0.0, -0.0, 1.1, 1.4E-45, 3.4028235E38, nan, nan(0x7fc00001), inf, -inf, 1.0E-7, 1.6777216E7, 3.1415927]\n"), text);
        assertTrue(text.contains("const b:f64[8] = [-0.0, 0.1, 4.9E-324, 1.7976931348623157E308, nan, nan(0x7ff0000000000001), -inf, 2.718281828459045]\n"), text);
        assertTrue(text.contains("const c:i32[2,2] = [-2147483648, -1, 0, 2147483647]\n"), text);
        assertTrue(text.contains("const d:bool[3] = [true, false, true]\n"), text);
        assertTrue(text.contains("const e:f32[0,2] = []\n"), text);
        assertTrue(text.contains("const f:i32[] = [7]\n"), text);
        Graph back = GraphParser.parse(text);
        assertTrue(GraphEquivalence.equivalent(g, back));
        float[] f2 = back.constants().get(0).value().floatStorage();
        for (int k = 0; k < fs.length; k++) {
            assertEquals(Float.floatToRawIntBits(fs[k]), Float.floatToRawIntBits(f2[k]), "element " + k);
        }
        double[] d2 = back.constants().get(1).value().doubleStorage();
        for (int k = 0; k < ds.length; k++) {
            assertEquals(Double.doubleToRawLongBits(ds[k]), Double.doubleToRawLongBits(d2[k]), "element " + k);
        }
    }

    @Test
    void longConstantsWrapEverySixteenValues() {
        float[] xs = new float[40];
        for (int k = 0; k < xs.length; k++) {
            xs[k] = k;
        }
        GraphBuilder b = new GraphBuilder();
        Graph g = b.build(List.of(b.addConstant(ArrayData.of(xs, 40))));
        String text = GraphPrinter.print(g);
        assertTrue(text.contains("14.0, 15.0,\n    16.0, 17.0,"), text);
        assertTrue(text.contains("30.0, 31.0,\n    32.0, "), text);
        assertTrue(GraphEquivalence.equivalent(g, GraphParser.parse(text)));
    }

    @Test
    void humanModeSummarisesLargeConstantsWhichThenDoNotParse() {
        float[] xs = new float[20];
        xs[3] = -2.5f;
        xs[7] = 4f;
        GraphBuilder b = new GraphBuilder();
        Var big = b.addConstant(ArrayData.of(xs, 4, 5));
        Var small = b.addConstant(ArrayData.of(new float[] {1f, 2f}, 2));
        String text = GraphPrinter.print(b.build(List.of(big, small)), GraphPrinter.Options.human());
        assertTrue(text.contains("const a:f32[4,5] = <20 values in [-2.5, 4.0], not printed>\n"), text);
        assertTrue(text.contains("const b:f32[2] = [1.0, 2.0]\n"), text);
        KilnException e = assertThrows(KilnException.class, () -> GraphParser.parse(text));
        assertTrue(e.getMessage().contains("constant 'a' was printed as a summary"), e.getMessage());
    }
}
