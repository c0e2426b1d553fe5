package dev.kiln.ir.verify;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Atom;
import dev.kiln.ir.Constant;
import dev.kiln.ir.DType;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Ints;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.Literal;
import dev.kiln.ir.SourceLocation;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.DotGeneral;
import dev.kiln.ir.prim.ReduceSum;
import dev.kiln.ir.prim.Unary;
import dev.kiln.ir.prim.UnaryOp;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One graph per defect, built directly from the records (a GraphBuilder would refuse them). */
class VerifierTest {
    private static final SourceLocation LINE_42 = new SourceLocation("dev.example.Model", "loss", "Model.java", 42);
    private static final TensorType F2 = TensorType.of(DType.F32, 2);
    private static final TensorType F23 = TensorType.of(DType.F32, 2, 3);

    private static Equation eq(dev.kiln.ir.prim.Primitive p, Var out, Atom... in) {
        return new Equation(p, List.of(in), out, LINE_42);
    }

    private static KilnException rejects(Graph g, String... fragments) {
        KilnException e = assertThrows(KilnException.class, () -> Verifier.verify(g));
        assertEquals("verify", e.operation());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + f + "' in: " + e.getMessage());
        }
        return e;
    }

    @Test
    void acceptsAWellFormedGraph() {
        Var x = new Var(F2);
        Var y = new Var(F2);
        Var c = new Var(F2);
        Graph g = new Graph(List.of(x), List.of(new Constant(c, ArrayData.of(new float[] {1, 2}, 2))),
                List.of(eq(new Binary(BinaryOp.ADD), y, x, c)), List.of(y, Literal.of(1, DType.I32)));
        assertDoesNotThrow(() -> Verifier.verify(g));
    }

    @Test
    void rejectsAVariableUsedBeforeItIsBound() {
        Var x = new Var(F2);
        Var a = new Var(F2);
        Var b = new Var(F2);
        Graph g = new Graph(List.of(x), List.of(), List.of(eq(new Unary(UnaryOp.NEG), a, b), eq(new Unary(UnaryOp.EXP), b, x)),
                List.of(a));
        KilnException e = rejects(g, "equation 0 `b:f32[2] = neg c`", "operand 0 'c' (f32[2]) is used before it is bound",
                "it is bound later, by equation 1", "Model.loss(Model.java:42)");
        assertEquals(LINE_42, e.source());
    }

    @Test
    void rejectsAVariableNothingBinds() {
        Var x = new Var(F2);
        Var a = new Var(F2);
        Graph g = new Graph(List.of(x), List.of(), List.of(eq(new Binary(BinaryOp.MUL), a, x, new Var(F2))), List.of(a));
        rejects(g, "equation 0 `b:f32[2] = mul a c`", "operand 1 'c' (f32[2]) is used before it is bound", "nothing in the graph binds it");
    }

    @Test
    void rejectsAVariableBoundTwice() {
        Var x = new Var(F2);
        Var a = new Var(F2);
        Graph byTwoEquations = new Graph(List.of(x), List.of(),
                List.of(eq(new Unary(UnaryOp.NEG), a, x), eq(new Unary(UnaryOp.EXP), a, x)), List.of(a));
        rejects(byTwoEquations, "equation 1 `b:f32[2] = exp a`", "'b' (f32[2]) is bound twice; it was first bound by equation 0");
        Graph inputAsOutput = new Graph(List.of(x), List.of(), List.of(eq(new Unary(UnaryOp.NEG), x, x)), List.of(x));
        rejects(inputAsOutput, "equation 0 `a:f32[2] = neg a`", "is bound twice; it was first bound by input 0");
        Graph inputListedTwice = new Graph(List.of(x, x), List.of(), List.of(), List.of(x));
        rejects(inputListedTwice, "input 1: 'a' (f32[2]) is bound twice");
    }

    @Test
    void rejectsAnOutputTypeThatDiffersFromTheShapeRule() {
        Var x = new Var(F23);
        Var w = new Var(TensorType.of(DType.F32, 3, 4));
        Var y = new Var(TensorType.of(DType.F32, 4, 2));
        Graph g = new Graph(List.of(x, w), List.of(), List.of(eq(DotGeneral.matmul(), y, x, w)), List.of(y));
        rejects(g, "equation 0 `c:f32[4,2] = dot_general[lhs_batch=[] lhs_contract=[1] rhs_batch=[] rhs_contract=[0]] a b`",
                "recorded output type f32[4,2] differs from f32[2,4]", "for operands [f32[2,3], f32[3,4]]", "Model.java:42");
    }

    @Test
    void rejectsIllTypedOperands() {
        Var x = new Var(F23);
        Var w = new Var(TensorType.of(DType.F32, 2, 4));
        Var y = new Var(TensorType.of(DType.F32, 2, 4));
        Graph g = new Graph(List.of(x, w), List.of(), List.of(eq(DotGeneral.matmul(), y, x, w)), List.of(y));
        rejects(g, "equation 0", "operands [f32[2,3], f32[2,4]] are ill-typed",
                "contracting dims do not match: lhs f32[2,3] dim 1 (3) vs rhs f32[2,4] dim 0 (2)");
    }

    @Test
    void rejectsALiteralOnANonElementwisePrimitive() {
        Var s = new Var(TensorType.scalar(DType.F32));
        Graph g = new Graph(List.of(), List.of(), List.of(eq(new ReduceSum(Ints.empty()), s, Literal.of(2, DType.F32))),
                List.of(s));
        rejects(g, "equation 0 `a:f32[] = reduce_sum[axes=[]] 2.0:f32`", "operand 0 is the literal 2.0:f32",
                "reduce_sum is not elementwise and takes no literals");
    }

    @Test
    void rejectsALiteralWhoseValueIsNotOfItsDtype() {
        Var x = new Var(TensorType.of(DType.I32, 2));
        Var y = new Var(TensorType.of(DType.I32, 2));
        Graph g = new Graph(List.of(x), List.of(), List.of(eq(new Binary(BinaryOp.ADD), y, x, new Literal(2.5, DType.I32))),
                List.of(y));
        rejects(g, "equation 0", "operand 1: literal value 2.5 is not a i32 value");
    }

    @Test
    void rejectsUnboundOutputs() {
        Var x = new Var(F2);
        Graph g = new Graph(List.of(x), List.of(), List.of(), List.of(x, new Var(F23)));
        rejects(g, "output 1 'b' (f32[2,3]) is not bound by the graph");
    }

    @Test
    void constantsCannotHoldDataOfAnotherTypeAtAll() {
        // The Constant record already refuses the mismatch, so no graph can carry one to the verifier;
        // the verifier's own check is a second line of defence for that invariant.
        assertThrows(IllegalArgumentException.class,
                () -> new Constant(new Var(F23), ArrayData.of(new float[] {1, 2}, 2)));
    }

    @Test
    void namesTheStageThatBuiltTheGraph() {
        Var x = new Var(F2);
        Graph g = new Graph(List.of(x), List.of(), List.of(), List.of(new Var(F2)));
        KilnException e = assertThrows(KilnException.class, () -> Verifier.verify(g, "vmap"));
        assertTrue(e.getMessage().startsWith("kiln: verify: after vmap: output 0"), e.getMessage());
    }
}
