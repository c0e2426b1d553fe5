package dev.kiln.ir.text;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
import dev.kiln.ir.GraphBuilder;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Literal;
import dev.kiln.ir.Shape;
import dev.kiln.ir.SourceLocation;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.BroadcastInDim;
import dev.kiln.ir.prim.DotGeneral;
import java.util.List;

/** Small hand-built graphs shared by the text tests. */
final class SampleGraphs {
    static final SourceLocation LINE_42 = new SourceLocation("dev.example.Model", "loss", "Model.java", 42);
    static final SourceLocation LINE_43 = new SourceLocation("dev.example.Model", "loss", "Model.java", 43);

    private SampleGraphs() {
    }

    /** The linear layer of the design note: matmul, bias broadcast, add, scale. */
    static Graph linear() {
        GraphBuilder b = new GraphBuilder();
        Var bias = b.addConstant(ArrayData.of(new float[] {0.5f, -1f}, 2));
        Var x = b.addInput(TensorType.of(DType.F32, 128, 104));
        Var w = b.addInput(TensorType.of(DType.F32, 104, 2));
        Var d = b.addEquation(DotGeneral.matmul(), List.of(x, w), LINE_42);
        Var e = b.addEquation(new BroadcastInDim(Shape.of(128, 2), Ints.of(1)), List.of(bias), LINE_42);
        Var f = b.addEquation(new Binary(BinaryOp.ADD), List.of(d, e), LINE_43);
        Var g = b.addEquation(new Binary(BinaryOp.MUL), List.of(f, Literal.of(2, DType.F32)), SourceLocation.UNKNOWN);
        return b.build(List.of(f, g));
    }

    static final String LINEAR_TEXT = """
            { lambda a:f32[2] ; b:f32[128,104] c:f32[104,2]. let
                d:f32[128,2] = dot_general[lhs_batch=[] lhs_contract=[1] rhs_batch=[] rhs_contract=[0]] b c
                e:f32[128,2] = broadcast_in_dim[broadcast_dimensions=[1] shape=[128,2]] a
                f:f32[128,2] = add d e
                g:f32[128,2] = mul f 2.0:f32
              in (f, g) }
            const a:f32[2] = [0.5, -1.0]
            """;
}
