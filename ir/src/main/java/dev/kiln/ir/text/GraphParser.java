package dev.kiln.ir.text;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Atom;
import dev.kiln.ir.Constant;
import dev.kiln.ir.DType;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.Literal;
import dev.kiln.ir.Shape;
import dev.kiln.ir.SourceLocation;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.Primitive;
import dev.kiln.ir.prim.ShapeRules;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the text {@link GraphPrinter} writes back into a {@link Graph}. Every equation's type is
 * re-inferred with {@link ShapeRules} and must equal the type written on its left-hand side, so a
 * hand-edited dump cannot smuggle in an ill-typed graph. Variable names are free (any identifier
 * but the reserved words), {@code #} starts a comment, and {@code @ ...} after an equation restores
 * its source line.
 *
 * <p>Malformed text fails with a {@link KilnException} (operation {@code parse}) naming the line,
 * the column and what was expected, with the line quoted and a caret under the column.
 */
public final class GraphParser {
    private record Binding(Var var, int offset) {
    }

    private final TextReader r;
    private final Map<String, Binding> scope = new HashMap<>();
    private final Map<String, Var> constantVars = new LinkedHashMap<>();
    private final Map<String, ArrayData> constantValues = new HashMap<>();

    private GraphParser(String text) {
        this.r = new TextReader(text);
    }

    /** The graph {@code text} describes. */
    public static Graph parse(String text) {
        return new GraphParser(text).graph();
    }

    private Graph graph() {
        r.skipBlank();
        r.expectChar('{', "'{' starting a graph");
        r.skipBlank();
        keyword("lambda");
        for (String name : binders(';', "a constant binding like 'a:f32[2]' or ';'")) {
            constantVars.put(name, scope.get(name).var());
        }
        r.expectChar(';', "';' after the constants");
        List<Var> inputs = binders('.', "an input binding like 'b:f32[2,3]' or '.' ending the inputs").stream()
                .map(name -> scope.get(name).var()).toList();
        r.expectChar('.', "'.' after the inputs");
        r.skipBlank();
        keyword("let");
        List<Equation> equations = new ArrayList<>();
        while (true) {
            r.skipBlank();
            if ("in".equals(r.peekIdentifier())) {
                break;
            }
            equations.add(equation());
        }
        keyword("in");
        List<Atom> outputs = outputs();
        r.skipBlank();
        r.expectChar('}', "'}' closing the graph");
        constants();
        List<Constant> constants = new ArrayList<>();
        for (Map.Entry<String, Var> c : constantVars.entrySet()) {
            ArrayData value = constantValues.get(c.getKey());
            if (value == null) {
                throw r.error(scope.get(c.getKey()).offset(), "constant '" + c.getKey() + "' has no value: expected a line 'const "
                        + c.getKey() + ":" + c.getValue().type() + " = [...]' after the graph");
            }
            constants.add(new Constant(c.getValue(), value));
        }
        return new Graph(inputs, constants, equations, outputs);
    }

    private void keyword(String word) {
        int at = r.pos();
        String w = r.peekIdentifier();
        if (!word.equals(w)) {
            throw r.expected("'" + word + "'");
        }
        r.seek(at + word.length());
    }

    // ---- bindings ----

    /** Name:type bindings up to {@code end}, each bound to a fresh variable; returns the names. */
    private List<String> binders(char end, String what) {
        List<String> names = new ArrayList<>();
        while (true) {
            r.skipBlank();
            if (r.peek() == end) {
                return names;
            }
            if (!r.atIdent()) {
                throw r.expected(what);
            }
            int at = r.pos();
            String name = variableName();
            r.expectChar(':', "':' and a type after '" + name + "'");
            bind(name, new Var(type()), at);
            names.add(name);
        }
    }

    private String variableName() {
        int at = r.pos();
        String name = r.identifier("a variable name");
        if (VarNames.RESERVED.contains(name)) {
            throw r.error(at, "expected a variable name, found the reserved word '" + name + "'");
        }
        return name;
    }

    private void bind(String name, Var v, int at) {
        Binding previous = scope.putIfAbsent(name, new Binding(v, at));
        if (previous != null) {
            throw r.error(at, "variable '" + name + "' is bound twice (first bound at " + position(previous.offset()) + ")");
        }
    }

    private String position(int offset) {
        String m = r.error(offset, "").detail();
        return m.substring(0, m.indexOf(':'));
    }

    private TensorType type() {
        int at = r.pos();
        String dt = r.identifier("a dtype (f32, f64, i32 or bool)");
        DType dtype;
        try {
            dtype = DType.parse(dt);
        } catch (IllegalArgumentException e) {
            throw r.error(at, "expected a dtype (f32, f64, i32 or bool), found '" + dt + "'");
        }
        r.expectChar('[', "'[' starting the shape of a " + dt + " type");
        List<Integer> dims = new ArrayList<>();
        if (!r.tryChar(']')) {
            do {
                int dimAt = r.pos();
                int d = r.integer("a dimension size");
                if (d < 0) {
                    throw r.error(dimAt, "dimension sizes must be non-negative, found " + d);
                }
                dims.add(d);
            } while (r.tryChar(','));
            r.expectChar(']', "',' or ']' in a shape");
        }
        return new TensorType(dtype, Shape.of(dims.stream().mapToInt(Integer::intValue).toArray()));
    }

    // ---- equations ----

    private Equation equation() {
        int at = r.pos();
        if (!r.atIdent()) {
            throw r.expected("an equation 'x:type = primitive ...' or 'in'");
        }
        String name = variableName();
        r.expectChar(':', "':' and a type after '" + name + "'");
        int typeAt = r.pos();
        TensorType declared = type();
        r.skipSpaces();
        r.expectChar('=', "'=' after the type of '" + name + "'");
        r.skipSpaces();
        int primAt = r.pos();
        String primName = r.identifier("a primitive name");
        if (!PrimitiveText.isPrimitiveName(primName)) {
            throw r.error(primAt, "unknown primitive '" + primName + "'");
        }
        Primitive p = PrimitiveText.build(primName, ParamList.parse(r, primName, primAt));
        List<Atom> operands = new ArrayList<>();
        while (true) {
            r.skipSpaces();
            if (r.atLineEnd() || r.peek() == '@') {
                break;
            }
            int opAt = r.pos();
            Atom a = atom();
            if (a instanceof Literal && !p.isElementwise()) {
                throw r.error(opAt, "literal operand " + a + " given to " + primName
                        + ", which is not elementwise: only elementwise primitives take literals");
            }
            operands.add(a);
        }
        SourceLocation source = r.tryChar('@') ? source() : SourceLocation.UNKNOWN;
        TensorType inferred;
        try {
            inferred = ShapeRules.infer(p, operands.stream().map(Atom::type).toList());
        } catch (KilnException e) {
            throw r.error(primAt, e.operation() + ": " + e.detail());
        }
        if (!inferred.equals(declared)) {
            throw r.error(typeAt, "'" + name + "' is declared " + declared + " but " + primName + " of "
                    + operands.stream().map(o -> o.type().toString()).toList() + " gives " + inferred);
        }
        Var out = new Var(declared);
        bind(name, out, at);
        return new Equation(p, operands, out, source);
    }

    /** {@code Model.java:42} or {@code pkg.Model.loss(Model.java:42)}; fields not written are "?". */
    private SourceLocation source() {
        r.skipSpaces();
        int at = r.pos();
        String text = r.restOfLine();
        int hash = text.indexOf('#');
        if (hash >= 0) {
            text = text.substring(0, hash).trim();
        }
        String cls = "?";
        String method = "?";
        String fileLine = text;
        int open = text.lastIndexOf('(');
        if (text.endsWith(")") && open >= 0) {
            String qualified = text.substring(0, open);
            int dot = qualified.lastIndexOf('.');
            cls = dot < 0 ? "?" : qualified.substring(0, dot);
            method = qualified.substring(dot + 1);
            fileLine = text.substring(open + 1, text.length() - 1);
        }
        int colon = fileLine.lastIndexOf(':');
        try {
            if (colon <= 0) {
                throw new NumberFormatException();
            }
            return new SourceLocation(cls, method, fileLine.substring(0, colon), Integer.parseInt(fileLine.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw r.error(at, "expected a source line like 'Model.java:42' or 'pkg.Model.loss(Model.java:42)' after '@', found '"
                    + text + "'");
        }
    }

    private List<Atom> outputs() {
        r.skipBlank();
        r.expectChar('(', "'(' starting the outputs");
        List<Atom> outs = new ArrayList<>();
        r.skipBlank();
        if (r.tryChar(')')) {
            return outs;
        }
        do {
            r.skipBlank();
            outs.add(atom());
            r.skipBlank();
        } while (r.tryChar(','));
        r.expectChar(')', "',' or ')' in the outputs");
        return outs;
    }

    /** A variable name, or a literal: {@code 2.0:f32}, {@code -3:i32}, {@code nan:f64}, {@code true}. */
    private Atom atom() {
        int at = r.pos();
        String word = r.peekIdentifier();
        if ("true".equals(word) || "false".equals(word)) {
            r.identifier("");
            return Literal.of("true".equals(word) ? 1 : 0, DType.BOOL);
        }
        if (word != null && !"nan".equals(word) && !"inf".equals(word)) {
            String name = variableName();
            Binding b = scope.get(name);
            if (b == null) {
                throw r.error(at, "unknown variable '" + name + "' (not bound before this point)");
            }
            return b.var();
        }
        if (word == null && r.peek() != '-' && r.peek() != '.' && !Character.isDigit(r.peek())) {
            throw r.expected("an operand (a variable or a literal like 2.0:f32)");
        }
        String number = r.numberToken();
        r.expectChar(':', "':' and a dtype after the literal " + number + " (e.g. " + number + ":f32)");
        int dtAt = r.pos();
        String dt = r.identifier("a dtype (f32, f64 or i32)");
        DType dtype = switch (dt) {
            case "f32" -> DType.F32;
            case "f64" -> DType.F64;
            case "i32" -> DType.I32;
            case "bool" -> throw r.error(at, "bool literals are written true or false");
            default -> throw r.error(dtAt, "expected a dtype (f32, f64 or i32), found '" + dt + "'");
        };
        return Literal.of(element(number, dtype, at), dtype);
    }

    // ---- constants ----

    private void constants() {
        while (true) {
            r.skipBlank();
            if (r.atEnd()) {
                return;
            }
            if (!"const".equals(r.peekIdentifier())) {
                throw r.expected("'const' or the end of the text after the graph");
            }
            keyword("const");
            r.skipSpaces();
            int at = r.pos();
            String name = variableName();
            Var v = constantVars.get(name);
            if (v == null) {
                throw r.error(at, "'" + name + "' is not a constant of the graph (constants: " + constantVars.keySet() + ")");
            }
            if (constantValues.containsKey(name)) {
                throw r.error(at, "constant '" + name + "' is given two values");
            }
            r.expectChar(':', "':' and the type of constant '" + name + "'");
            int typeAt = r.pos();
            TensorType t = type();
            if (!t.equals(v.type())) {
                throw r.error(typeAt, "constant '" + name + "' is declared " + v.type() + " in the graph but " + t + " here");
            }
            r.skipSpaces();
            r.expectChar('=', "'=' after the type of constant '" + name + "'");
            constantValues.put(name, values(name, t));
        }
    }

    private ArrayData values(String name, TensorType t) {
        r.skipSpaces();
        if (r.peek() == '<') {
            throw r.error(r.pos(), "constant '" + name + "' was printed as a summary, which cannot be parsed: "
                    + "print the graph with GraphPrinter.Options.DEFAULT to keep its values");
        }
        r.expectChar('[', "'[' starting the values of constant '" + name + "'");
        ArrayData a = ArrayData.zeros(t);
        int n = 0;
        r.skipBlank();
        if (!r.tryChar(']')) {
            do {
                r.skipBlank();
                int at = r.pos();
                if (n == a.size()) {
                    throw r.error(at, "constant '" + name + "' of type " + t + " takes " + a.size() + " values, found more");
                }
                setElement(a, n++, at);
                r.skipBlank();
            } while (r.tryChar(','));
            r.expectChar(']', "',' or ']' in the values of constant '" + name + "'");
        }
        if (n != a.size()) {
            throw r.error(r.pos() - 1, "constant '" + name + "' of type " + t + " takes " + a.size() + " values, found " + n);
        }
        return a;
    }

    private void setElement(ArrayData a, int i, int at) {
        switch (a.storage()) {
            case float[] f -> f[i] = floatElement(r.numberToken(), at);
            case double[] d -> d[i] = element(r.numberToken(), DType.F64, at);
            case int[] n -> n[i] = (int) element(r.numberToken(), DType.I32, at);
            case boolean[] b -> {
                String w = r.atIdent() ? r.identifier("") : "";
                if (!w.equals("true") && !w.equals("false")) {
                    r.seek(at);
                    throw r.expected("true or false");
                }
                b[i] = w.equals("true");
            }
            default -> throw new IllegalStateException();
        }
    }

    /** Parsed straight to float: via double, a NaN's payload and some decimals would not survive. */
    private float floatElement(String s, int at) {
        try {
            return ValueText.parseFloat(s);
        } catch (NumberFormatException e) {
            throw r.error(at, "expected a number like 1.5, -2.0E-3, inf or nan for f32, found '" + s + "'");
        }
    }

    /** The value of a number token of {@code dtype}, parsed exactly (f32 as a float, not via double). */
    private double element(String s, DType dtype, int at) {
        try {
            return switch (dtype) {
                case I32 -> Integer.parseInt(s);
                case F32 -> ValueText.parseFloat(s);
                case F64 -> ValueText.parseDouble(s);
                case BOOL -> throw new NumberFormatException();
            };
        } catch (NumberFormatException e) {
            String expected = dtype == DType.I32 ? "a 32-bit integer" : "a number like 1.5, -2.0E-3, inf or nan";
            throw r.error(at, "expected " + expected + " for " + dtype + ", found '" + s + "'");
        }
    }
}
