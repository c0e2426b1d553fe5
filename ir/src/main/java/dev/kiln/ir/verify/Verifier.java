package dev.kiln.ir.verify;

import dev.kiln.ir.Atom;
import dev.kiln.ir.Constant;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.Literal;
import dev.kiln.ir.SourceLocation;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.ShapeRules;
import dev.kiln.ir.text.GraphPrinter;
import dev.kiln.ir.text.VarNames;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Checks that a graph is well formed and well typed: every variable bound exactly once before it
 * is used, every equation's recorded output type equal to its primitive's shape rule, literals only
 * on elementwise primitives and holding a value of their dtype, outputs bound, constants holding
 * data of their variable's type. Transforms run it on what they build; the first defect found is a
 * {@link KilnException} naming the equation (index and printed text), the types and the source line.
 */
public final class Verifier {
    private final Graph graph;
    private final String stage;
    /** Names for messages, made only when a message is (naming every variable is half of verifying). */
    private VarNames names;
    /** Where each variable is bound, as words ("input 0", "equation 3"): the first binding only; made only for a message. */
    private Map<Var, String> bindings;
    private final Set<Var> bound;

    private Verifier(Graph graph, String stage) {
        this.graph = graph;
        this.stage = stage;
        this.bound = Collections.newSetFromMap(new IdentityHashMap<>(
                graph.equations().size() + graph.inputs().size() + graph.constants().size()));
    }

    private VarNames names() {
        if (names == null) {
            names = VarNames.of(graph);
        }
        return names;
    }

    /** Throws a {@link KilnException} (operation {@code verify}) at the first defect of {@code g}. */
    public static void verify(Graph g) {
        verify(g, null);
    }

    /** As {@link #verify(Graph)}, naming the stage that produced {@code g} (e.g. "vmap") in the error. */
    public static void verify(Graph g, String stage) {
        new Verifier(g, stage).run();
    }

    private void run() {
        List<Constant> constants = graph.constants();
        for (int i = 0; i < constants.size(); i++) {
            Constant c = constants.get(i);
            if (!c.var().type().equals(c.value().type())) {
                throw fail("constant " + i + " '" + names().name(c.var()) + "' is declared " + c.var().type()
                        + " but holds data of type " + c.value().type(), SourceLocation.UNKNOWN);
            }
            int index = i;
            bind(c.var(), () -> "constant " + index, SourceLocation.UNKNOWN);
        }
        for (int i = 0; i < graph.inputs().size(); i++) {
            int index = i;
            bind(graph.inputs().get(i), () -> "input " + index, SourceLocation.UNKNOWN);
        }
        for (int i = 0; i < graph.equations().size(); i++) {
            checkEquation(i, graph.equations().get(i));
        }
        for (int i = 0; i < graph.outputs().size(); i++) {
            Atom a = graph.outputs().get(i);
            if (a instanceof Var v && !bound.contains(v)) {
                throw fail("output " + i + " '" + names().name(v) + "' (" + v.type() + ") is not bound by the graph",
                        SourceLocation.UNKNOWN);
            }
            if (a instanceof Literal l) {
                int index = i;
                checkLiteral(l, () -> "output " + index, SourceLocation.UNKNOWN);
            }
        }
    }

    private Map<Var, String> bindings() {
        if (bindings != null) {
            return bindings;
        }
        bindings = new IdentityHashMap<>();
        for (int i = 0; i < graph.constants().size(); i++) {
            bindings.putIfAbsent(graph.constants().get(i).var(), "constant " + i);
        }
        for (int i = 0; i < graph.inputs().size(); i++) {
            bindings.putIfAbsent(graph.inputs().get(i), "input " + i);
        }
        for (int i = 0; i < graph.equations().size(); i++) {
            bindings.putIfAbsent(graph.equations().get(i).out(), "equation " + i);
        }
        return bindings;
    }

    private void checkEquation(int index, Equation e) {
        // Printed only for a message: printing every equation would be most of the work.
        Supplier<String> where = () -> "equation " + index + " `" + GraphPrinter.equation(e, names()) + "`";
        for (int k = 0; k < e.inputs().size(); k++) {
            Atom a = e.inputs().get(k);
            switch (a) {
                case Var v when !bound.contains(v) -> {
                    String later = bindings().get(v);
                    throw fail(where.get() + ": operand " + k + " '" + names().name(v) + "' (" + v.type() + ") is used before it is bound"
                            + (later == null ? " (nothing in the graph binds it)" : " (it is bound later, by " + later + ")"),
                            e.source());
                }
                case Literal l when !e.primitive().isElementwise() -> throw fail(where.get() + ": operand " + k + " is the literal "
                        + l.text() + ", but " + e.primitive().name() + " is not elementwise and takes no literals", e.source());
                case Literal l -> {
                    int operand = k;
                    checkLiteral(l, () -> where.get() + ": operand " + operand, e.source());
                }
                case Var v -> { }
            }
        }
        List<TensorType> in = new ArrayList<>(e.inputs().size());
        for (Atom a : e.inputs()) {
            in.add(a.type());
        }
        TensorType expected;
        try {
            expected = ShapeRules.infer(e.primitive(), in);
        } catch (KilnException ex) {
            throw fail(where.get() + ": operands " + in + " are ill-typed: " + ex.detail(), e.source());
        }
        if (!expected.equals(e.out().type())) {
            throw fail(where.get() + ": recorded output type " + e.out().type() + " differs from " + expected
                    + ", which the shape rule of " + e.primitive().name() + " gives for operands " + in, e.source());
        }
        bind(e.out(), where, e.source());
    }

    private void checkLiteral(Literal l, Supplier<String> where, SourceLocation source) {
        if (!Literal.of(l.value(), l.dtype()).equals(l)) {
            throw fail(where.get() + ": literal value " + l.value() + " is not a " + l.dtype() + " value (build literals with Literal.of)",
                    source);
        }
    }

    private void bind(Var v, Supplier<String> where, SourceLocation source) {
        if (!bound.add(v)) {
            String first = bindings().get(v);
            throw fail(where.get() + ": '" + names().name(v) + "' (" + v.type() + ") is bound twice; it was first bound by "
                    + first, source);
        }
    }

    private KilnException fail(String detail, SourceLocation source) {
        return new KilnException("verify", (stage == null ? "" : "after " + stage + ": ") + detail, source,
                "this is a bug in the pass that built the graph, not in user code");
    }
}
