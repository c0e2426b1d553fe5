package dev.kiln.ir.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Literal;
import dev.kiln.ir.Shape;
import dev.kiln.ir.SourceLocation;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.ArgMax;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.BroadcastInDim;
import dev.kiln.ir.prim.Compare;
import dev.kiln.ir.prim.CompareOp;
import dev.kiln.ir.prim.Concatenate;
import dev.kiln.ir.prim.ConvGeneralDilated;
import dev.kiln.ir.prim.Convert;
import dev.kiln.ir.prim.DotGeneral;
import dev.kiln.ir.prim.Gather;
import dev.kiln.ir.prim.Iota;
import dev.kiln.ir.prim.Pad;
import dev.kiln.ir.prim.Primitive;
import dev.kiln.ir.prim.RandomBits;
import dev.kiln.ir.prim.RandomSplit;
import dev.kiln.ir.prim.ReduceMax;
import dev.kiln.ir.prim.ReduceSum;
import dev.kiln.ir.prim.ReduceWindow;
import dev.kiln.ir.prim.Reshape;
import dev.kiln.ir.prim.Rev;
import dev.kiln.ir.prim.ScatterAdd;
import dev.kiln.ir.prim.Select;
import dev.kiln.ir.prim.SelectAndScatterAdd;
import dev.kiln.ir.prim.Slice;
import dev.kiln.ir.prim.Transpose;
import dev.kiln.ir.prim.Unary;
import dev.kiln.ir.prim.UnaryOp;
import dev.kiln.ir.prim.WindowKind;
import dev.kiln.ir.verify.GraphEquivalence;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GraphParserTest {

    /** One hand-written equation per primitive record: inputs, the equation, the record it must parse to. */
    private record Case(String inputs, String equation, Primitive expected) {
    }

    private static final List<Case> EVERY_PRIMITIVE = List.of(
            new Case("x:f32[2,3]", "z:f32[2,3] = neg x", new Unary(UnaryOp.NEG)),
            new Case("x:f32[2,3] y:f32[2,3]", "z:f32[2,3] = add x y", new Binary(BinaryOp.ADD)),
            new Case("x:f32[2,3]", "z:bool[2,3] = lt x 0.5:f32", new Compare(CompareOp.LT)),
            new Case("p:bool[2,3] x:f32[2,3] y:f32[]", "z:f32[2,3] = select p x y", new Select()),
            new Case("x:f32[2,3]", "z:i32[2,3] = convert[to=i32] x", new Convert(DType.I32)),
            new Case("", "z:i32[2,3] = iota[dimension=1 dtype=i32 shape=[2,3]]", new Iota(DType.I32, Shape.of(2, 3), 1)),
            new Case("x:f32[3]", "z:f32[2,3] = broadcast_in_dim[broadcast_dimensions=[1] shape=[2,3]] x",
                    new BroadcastInDim(Shape.of(2, 3), Ints.of(1))),
            new Case("x:f32[2,3]", "z:f32[3,2] = reshape[new_shape=[3,2]] x", new Reshape(Shape.of(3, 2))),
            new Case("x:f32[2,3]", "z:f32[3,2] = transpose[permutation=[1,0]] x", new Transpose(Ints.of(1, 0))),
            new Case("x:f32[2,3]", "z:f32[2,3] = rev[dimensions=[1,0]] x", new Rev(Ints.of(1, 0))),
            new Case("x:f32[4,6]", "z:f32[2,2] = slice[limit=[4,5] start=[1,0] strides=[2,3]] x",
                    new Slice(Ints.of(1, 0), Ints.of(4, 5), Ints.of(2, 3))),
            new Case("x:f32[4,6] v:f32[]", "z:f32[8,7] = pad[high=[-1,2] interior=[1,0] low=[2,-1]] x v",
                    new Pad(Ints.of(2, -1), Ints.of(-1, 2), Ints.of(1, 0))),
            new Case("x:f32[2,3] y:f32[2,1]", "z:f32[2,4] = concatenate[dimension=1] x y", new Concatenate(1)),
            new Case("x:f32[2,3,4]", "z:f32[3] = reduce_sum[axes=[0,2]] x", new ReduceSum(Ints.of(0, 2))),
            new Case("x:f32[2,3,4]", "z:f32[2,4] = reduce_max[axes=[1]] x", new ReduceMax(Ints.of(1))),
            new Case("x:f32[2,3]", "z:i32[2] = argmax[axis=1 index_dtype=i32] x", new ArgMax(1, DType.I32)),
            new Case("x:f32[5,2,3] y:f32[5,3,4]",
                    "z:f32[5,2,4] = dot_general[lhs_batch=[0] lhs_contract=[2] rhs_batch=[0] rhs_contract=[1]] x y",
                    new DotGeneral(Ints.of(2), Ints.of(1), Ints.of(0), Ints.of(0))),
            new Case("x:f32[2,4,9,9] w:f32[6,2,3,3]",
                    "z:f32[2,6,4,6] = conv_general_dilated[batch_group_count=1 feature_group_count=2 lhs_dilation=[1,1]"
                            + " pad_high=[1,0] pad_low=[1,-1] rhs_dilation=[2,1] window_strides=[2,1]] x w",
                    new ConvGeneralDilated(Ints.of(2, 1), Ints.of(1, -1), Ints.of(1, 0), Ints.of(1, 1), Ints.of(2, 1), 2, 1)),
            new Case("x:f32[1,4,6]",
                    "z:f32[1,4,3] = reduce_window[kind=max pad_high=[0,0,1] pad_low=[0,0,0] strides=[1,1,2] window_dims=[1,1,2]] x",
                    new ReduceWindow(WindowKind.MAX, Ints.of(1, 1, 2), Ints.of(1, 1, 2), Ints.of(0, 0, 0), Ints.of(0, 0, 1))),
            new Case("s:f32[1,4,3] x:f32[1,4,6]",
                    "z:f32[1,4,6] = select_and_scatter_add[pad_high=[0,0,1] pad_low=[0,0,0] strides=[1,1,2] window_dims=[1,1,2]] s x",
                    new SelectAndScatterAdd(Ints.of(1, 1, 2), Ints.of(1, 1, 2), Ints.of(0, 0, 0), Ints.of(0, 0, 1))),
            new Case("t:f32[10,4] i:i32[3]", "z:f32[3,4] = gather[batch_dims=0] t i", new Gather(0)),
            new Case("t:f32[10,4] i:i32[3] u:f32[3,4]", "z:f32[10,4] = scatter_add[batch_dims=0] t i u", new ScatterAdd(0)),
            new Case("k:i32[2]", "z:i32[3,4] = random_bits[shape=[3,4]] k", new RandomBits(Shape.of(3, 4))),
            new Case("k:i32[2]", "z:i32[3,2] = random_split[count=3] k", new RandomSplit(3)));

    private static Graph one(String inputs, String equation) {
        return GraphParser.parse("{ lambda ; " + inputs + ". let\n    " + equation + "\n  in (z) }\n");
    }

    @Test
    void parsesHandWrittenTextForEveryPrimitive() {
        Set<Class<?>> seen = new HashSet<>();
        for (Case c : EVERY_PRIMITIVE) {
            Graph g = one(c.inputs(), c.equation());
            assertEquals(1, g.equations().size(), c.equation());
            assertEquals(c.expected(), g.equations().get(0).primitive(), c.equation());
            // The printer writes the primitive and its params exactly as they were hand-written (sorted).
            String printed = GraphPrinter.equation(g.equations().get(0), VarNames.of(g));
            assertEquals(primitiveText(c.equation()), primitiveText(printed));
            seen.add(c.expected().getClass());
        }
        assertEquals(Set.of(Primitive.class.getPermittedSubclasses()), seen, "a primitive without a parse case");
    }

    /** The primitive name and its bracketed params: the part of an equation after "= " up to the operands. */
    private static String primitiveText(String equation) {
        int start = equation.indexOf("= ") + 2;
        int end = start;
        int depth = 0;
        while (end < equation.length() && (depth > 0 || equation.charAt(end) != ' ')) {
            depth += equation.charAt(end) == '[' ? 1 : equation.charAt(end) == ']' ? -1 : 0;
            end++;
        }
        return equation.substring(start, end);
    }

    @Test
    void everyOperationNameParses() {
        for (UnaryOp op : UnaryOp.values()) {
            String dt = op == UnaryOp.NOT ? "bool" : "f32";
            assertEquals(new Unary(op), one("x:" + dt + "[2]", "z:" + dt + "[2] = " + op.textName() + " x")
                    .equations().get(0).primitive());
        }
        for (BinaryOp op : BinaryOp.values()) {
            String dt = op.isBitwise() ? "i32" : "f32";
            assertEquals(new Binary(op), one("x:" + dt + "[2] y:" + dt + "[2]", "z:" + dt + "[2] = " + op.textName() + " x y")
                    .equations().get(0).primitive());
        }
        for (CompareOp op : CompareOp.values()) {
            assertEquals(new Compare(op), one("x:i32[2] y:i32[2]", "z:bool[2] = " + op.textName() + " x y")
                    .equations().get(0).primitive());
        }
    }

    @Test
    void acceptsFreeNamesCommentsAndBlankLines() {
        Graph g = GraphParser.parse("""
                # stage: hand-written
                { lambda ; input_0:f32[3]   w:f32[3] . let   # trailing comment

                    # a comment line between equations
                    prod:f32[3] = mul input_0 w
                    total:f32[] = reduce_sum[axes=[0]] prod   # the loss
                  in ( total ,prod ) }
                """);
        assertEquals(2, g.equations().size());
        assertEquals(List.of(TensorType.scalar(DType.F32), TensorType.of(DType.F32, 3)), g.outputTypes());
        assertEquals(g.equations().get(1).out(), g.outputs().get(0));
    }

    @Test
    void parsesEveryLiteralForm() {
        Graph g = GraphParser.parse("""
                { lambda ; x:f32[2] y:f64[2] i:i32[2] p:bool[2]. let
                    a:f32[2] = add x 1e-3:f32
                    b:f32[2] = max a -inf:f32
                    c:f64[2] = mul y 0x1.8p1:f64
                    d:f64[2] = min c nan:f64
                    e:i32[2] = sub i -2:i32
                    f:bool[2] = and p false
                    g:f32[2] = add b .5:f32
                  in (b, d, e, f, g, 7:i32, inf:f64, true) }
                """);
        assertEquals(Literal.of(1e-3f, DType.F32), g.equations().get(0).input(1));
        assertEquals(Literal.of(Float.NEGATIVE_INFINITY, DType.F32), g.equations().get(1).input(1));
        assertEquals(Literal.of(3.0, DType.F64), g.equations().get(2).input(1));
        assertTrue(Double.isNaN(((Literal) g.equations().get(3).input(1)).value()));
        assertEquals(Literal.of(-2, DType.I32), g.equations().get(4).input(1));
        assertEquals(Literal.of(0, DType.BOOL), g.equations().get(5).input(1));
        assertEquals(Literal.of(0.5, DType.F32), g.equations().get(6).input(1));
        assertEquals(List.of(Literal.of(7, DType.I32), Literal.of(Double.POSITIVE_INFINITY, DType.F64),
                Literal.of(1, DType.BOOL)), g.outputs().subList(5, 8));
    }

    @Test
    void f32LiteralsParseAsFloatsNotViaDouble() {
        // 1.00000017881393432617187499 rounds to a different float directly than through double.
        String s = "1.00000017881393432617187499";
        Graph g = one("x:f32[]", "z:f32[] = add x " + s + ":f32");
        assertEquals(Float.parseFloat(s), (float) ((Literal) g.equations().get(0).input(1)).value());
        assertTrue(Float.parseFloat(s) != (float) Double.parseDouble(s), "the case must tell the two apart");
    }

    @Test
    void restoresSourceLinesInBothForms() {
        Graph g = GraphParser.parse("""
                { lambda ; x:f32[2]. let
                    a:f32[2] = neg x  @ Model.java:42
                    b:f32[2] = neg a  @ com.acme.nn.Model$Inner.lambda$forward$0(Model.java:7)
                    c:f32[2] = neg b
                  in (c) }
                """);
        assertEquals(new SourceLocation("?", "?", "Model.java", 42), g.equations().get(0).source());
        assertEquals(new SourceLocation("com.acme.nn.Model$Inner", "lambda$forward$0", "Model.java", 7),
                g.equations().get(1).source());
        assertEquals(SourceLocation.UNKNOWN, g.equations().get(2).source());
    }

    @Test
    void parsesConstantsInAnyOrderAndEmptyGraphs() {
        Graph g = GraphParser.parse("""
                { lambda a:i32[2] b:f32[] ; . let
                  in (b, a) }
                const b:f32[] = [2.5]
                const a:i32[2] = [
                    1,
                    -2]
                """);
        assertEquals(2.5, g.constants().get(1).value().getDouble(0));
        assertEquals(Arrays.toString(new int[] {1, -2}), Arrays.toString(g.constants().get(0).value().intStorage()));
        assertTrue(GraphEquivalence.equivalent(g, GraphParser.parse(GraphPrinter.print(g))));
    }
}
