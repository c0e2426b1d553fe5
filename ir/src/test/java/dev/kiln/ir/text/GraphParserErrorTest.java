package dev.kiln.ir.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.KilnException;
import org.junit.jupiter.api.Test;

/**
 * Malformed text: each case marks with '«' where the error must point, and names a fragment of
 * what the message must say was wrong or expected.
 */
class GraphParserErrorTest {

    private static void assertError(String marked, String... fragments) {
        int at = marked.indexOf('«');
        assertTrue(at >= 0, "test text needs a « marker");
        String text = marked.substring(0, at) + marked.substring(at + 1);
        int line = 1 + (int) marked.substring(0, at).chars().filter(c -> c == '\n').count();
        int column = at - (marked.lastIndexOf('\n', at - 1) + 1) + 1;
        KilnException e = assertThrows(KilnException.class, () -> GraphParser.parse(text));
        assertEquals("parse", e.operation());
        String m = e.getMessage();
        assertTrue(m.startsWith("kiln: parse: line " + line + ", column " + column + ": "), "position in: " + m);
        for (String f : fragments) {
            assertTrue(m.contains(f), "'" + f + "' in: " + m);
        }
        // The offending line is quoted with a caret under the column.
        String quoted = text.split("\n", -1)[line - 1];
        assertTrue(m.contains(line + " | " + quoted + "\n"), "quoted line in: " + m);
        assertTrue(m.endsWith(" | " + " ".repeat(column - 1) + "^"), "caret in: " + m);
    }

    private static String graph(String inputs, String body) {
        return "{ lambda ; " + inputs + ". let\n" + body + "\n  in (z) }\n";
    }

    @Test
    void missingOpeningBrace() {
        assertError("«lambda ; . let in () }", "expected '{' starting a graph, found 'lambda'");
    }

    @Test
    void unknownPrimitive() {
        assertError(graph("x:f32[2]", "    z:f32[2] = «frobnicate x"), "unknown primitive 'frobnicate'");
    }

    @Test
    void unknownVariable() {
        assertError(graph("x:f32[2]", "    z:f32[2] = neg «q"), "unknown variable 'q'");
    }

    @Test
    void variableUsedBeforeItIsBound() {
        assertError(graph("x:f32[2]", "    y:f32[2] = neg «z\n    z:f32[2] = neg x"), "unknown variable 'z'", "not bound before");
    }

    @Test
    void declaredTypeDiffersFromShapeRule() {
        assertError(graph("x:f32[2]", "    z:«f32[3] = neg x"), "'z' is declared f32[3] but neg of [f32[2]] gives f32[2]");
    }

    @Test
    void shapeRuleRejectsOperands() {
        assertError(graph("x:f32[2] y:f32[3]", "    z:f32[2] = «add x y"), "add: operand shapes differ: f32[2], f32[3]");
    }

    @Test
    void missingParameter() {
        assertError(graph("x:f32[2]", "    z:f32[] = «reduce_sum x"), "reduce_sum needs parameter 'axes'");
    }

    @Test
    void unknownParameter() {
        assertError(graph("x:f32[2]", "    z:f32[] = reduce_sum[axes=[0] «foo=1] x"), "unknown parameter 'foo' for reduce_sum");
    }

    @Test
    void parameterOfTheWrongForm() {
        assertError(graph("x:f32[2]", "    z:f32[] = reduce_sum[axes=«3] x"),
                "parameter 'axes' of reduce_sum: expected a list of integers like [0,1], found '3'");
        assertError(graph("x:f32[2]", "    z:f32[2] = reduce_window[kind=«mean pad_high=[0] pad_low=[0] strides=[1] window_dims=[1]] x"),
                "parameter 'kind' of reduce_window: expected max or sum, found 'mean'");
        assertError(graph("x:f32[2]", "    z:f32[2] = convert[to=«f16] x"), "expected a dtype (f32, f64, i32 or bool), found 'f16'");
        assertError(graph("", "    z:i32[2] = iota[dimension=0 dtype=i32 shape=«[-2]]"), "shape [-2] has a negative dimension");
    }

    @Test
    void parameterGivenTwice() {
        assertError(graph("x:f32[2]", "    z:f32[] = reduce_sum[axes=[0] «axes=[0]] x"), "parameter 'axes' of reduce_sum is given twice");
    }

    @Test
    void unclosedParameterList() {
        assertError(graph("x:f32[2]", "    z:f32[] = reduce_sum[axes=[0] «x"),
                "expected a parameter 'name=value' or ']' closing the parameters of reduce_sum, found 'x'");
        assertError(graph("x:f32[2]", "    z:f32[] = reduce_sum[axes=[0«;]] x"), "expected ',' or ']' in the list of 'axes'");
    }

    @Test
    void badDtypeAndShape() {
        assertError("{ lambda ; x:«f33[2]. let\n  in (x) }", "expected a dtype (f32, f64, i32 or bool), found 'f33'");
        assertError("{ lambda ; x:f32[2,«. let\n  in (x) }", "expected a dimension size, found '.'");
        assertError("{ lambda ; x:f32[«99999999999]. let\n  in (x) }", "does not fit in 32 bits");
        assertError("{ lambda ; x:f32«. let\n  in (x) }", "expected '[' starting the shape of a f32 type");
    }

    @Test
    void literalOnANonElementwisePrimitive() {
        assertError(graph("x:f32[2]", "    z:f32[4] = pad[high=[1] interior=[0] low=[1]] x «0.0:f32"),
                "literal operand 0.0:f32 given to pad, which is not elementwise");
    }

    @Test
    void malformedLiterals() {
        assertError(graph("x:f32[2]", "    z:f32[2] = mul x 2.0«"), "expected ':' and a dtype after the literal 2.0");
        assertError(graph("x:f32[2]", "    z:f32[2] = mul x 2.0:«f16"), "expected a dtype (f32, f64 or i32), found 'f16'");
        assertError(graph("x:i32[2]", "    z:i32[2] = add x «2.5:i32"), "expected a 32-bit integer for i32, found '2.5'");
        assertError(graph("x:f32[2]", "    z:f32[2] = add x «1.0f:f32"), "expected a number like 1.5, -2.0E-3, inf or nan for f32, found '1.0f'");
        assertError(graph("x:bool[2]", "    z:bool[2] = and x «1:bool"), "bool literals are written true or false");
    }

    @Test
    void variableBoundTwice() {
        assertError(graph("x:f32[2]", "    «x:f32[2] = neg x\n    z:f32[2] = neg x"),
                "variable 'x' is bound twice (first bound at line 1, column 12)");
        assertError("{ lambda ; x:f32[2] «x:f32[2]. let\n  in (x) }", "variable 'x' is bound twice");
    }

    @Test
    void reservedWordAsName() {
        assertError("{ lambda ; «let:f32[2]. let\n  in (let) }", "expected a variable name, found the reserved word 'let'");
    }

    @Test
    void missingInOrEndOfText() {
        assertError("{ lambda ; x:f32[2]. let\n    z:f32[2] = neg x\n«", "expected an equation 'x:type = primitive ...' or 'in', found end of text");
        assertError("{ lambda ; x:f32[2]. let\n  in (x«", "expected ',' or ')' in the outputs, found end of text");
        assertError("{ lambda ; x:f32[2]. let\n  in (x) «", "expected '}' closing the graph");
    }

    @Test
    void equationWithoutEquals() {
        assertError(graph("x:f32[2]", "    z:f32[2] «neg x"), "expected '=' after the type of 'z', found 'neg'");
    }

    @Test
    void malformedSourceAnnotation() {
        assertError(graph("x:f32[2]", "    z:f32[2] = neg x  @ «nonsense"), "expected a source line like 'Model.java:42'");
    }

    @Test
    void constantProblems() {
        assertError("{ lambda «c:f32[2] ; . let\n  in (c) }\n", "constant 'c' has no value");
        assertError("{ lambda c:f32[2] ; . let\n  in (c) }\nconst c:f32[2] = [1.0«]\n", "constant 'c' of type f32[2] takes 2 values, found 1");
        assertError("{ lambda c:f32[2] ; . let\n  in (c) }\nconst c:f32[2] = [1.0, 2.0, «3.0]\n", "takes 2 values, found more");
        assertError("{ lambda c:f32[2] ; . let\n  in (c) }\nconst c:«f32[3] = [1.0, 2.0, 3.0]\n",
                "constant 'c' is declared f32[2] in the graph but f32[3] here");
        assertError("{ lambda c:f32[2] ; . let\n  in (c) }\nconst «d:f32[2] = [1.0, 2.0]\n", "'d' is not a constant of the graph");
        assertError("{ lambda c:f32[2] ; . let\n  in (c) }\nconst c:f32[2] = [1.0, 2.0]\nconst «c:f32[2] = [1.0, 2.0]\n",
                "constant 'c' is given two values");
        assertError("{ lambda c:bool[1] ; . let\n  in (c) }\nconst c:bool[1] = [«1]\n", "expected true or false, found '1'");
        assertError("{ lambda c:i32[1] ; . let\n  in (c) }\nconst c:i32[1] = [«2147483648]\n", "expected a 32-bit integer for i32");
        assertError("{ lambda c:f32[1] ; . let\n  in (c) }\nconst c:f32[1] = «<1 values>\n", "constant 'c' was printed as a summary");
    }

    @Test
    void textAfterTheGraph() {
        assertError("{ lambda ; x:f32[2]. let\n  in (x) }\n«garbage\n", "expected 'const' or the end of the text after the graph, found 'garbage'");
    }
}
