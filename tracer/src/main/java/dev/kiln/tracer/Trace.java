package dev.kiln.tracer;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Atom;
import dev.kiln.ir.GraphBuilder;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.Literal;
import dev.kiln.ir.SourceLocation;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.Primitive;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A graph being recorded. While a trace is current (on this thread's stack), every primitive
 * applied to tensors is recorded into it instead of being executed. Tensors from an enclosing,
 * still-open trace that the traced function closes over are captured as extra graph inputs, so
 * nested transforms compose; tensors from a finished trace have escaped and are an error.
 */
public final class Trace {
    private static final ThreadLocal<Deque<Trace>> STACK = ThreadLocal.withInitial(ArrayDeque::new);

    private final String label;
    private final Trace parent;
    private final GraphBuilder builder = new GraphBuilder();
    private final Map<Tensor, Var> captured = new IdentityHashMap<>();
    private final List<Tensor> capturedOrder = new ArrayList<>();
    private final Map<ArrayData, Var> constants = new IdentityHashMap<>();
    /** Rank-0 constants by (dtype, value): Java scalars given to non-elementwise primitives are common. */
    private final Map<Literal, Var> scalarConstants = new java.util.HashMap<>();
    private boolean open = true;

    private Trace(String label, Trace parent) {
        this.label = label;
        this.parent = parent;
    }

    /** The innermost trace on this thread, or null when running eagerly. */
    public static Trace current() {
        return STACK.get().peek();
    }

    /** Starts a trace nested in the current one and makes it current. Pair with {@link #end()}. */
    static Trace begin(String label) {
        Trace t = new Trace(label, current());
        STACK.get().push(t);
        return t;
    }

    /** Ends this trace: it must be the current one. Its tensors may no longer be used. */
    void end() {
        Deque<Trace> stack = STACK.get();
        if (stack.peek() != this) {
            throw new IllegalStateException("trace " + label + " ended out of order");
        }
        stack.pop();
        open = false;
    }

    public String label() {
        return label;
    }

    boolean isOpen() {
        return open;
    }

    GraphBuilder builder() {
        return builder;
    }

    List<Tensor> capturedTensors() {
        return List.copyOf(capturedOrder);
    }

    /** A fresh input of this trace's graph, as a tracer. */
    Tensor newInput(TensorType type) {
        return Tensor.tracer(this, builder.addInput(type));
    }

    /** Records {@code p(args)} and returns the tracer of its result. */
    Tensor record(Primitive p, List<Tensor> args, SourceLocation source) {
        List<Atom> atoms = new ArrayList<>(args.size());
        for (Tensor a : args) {
            atoms.add(atomFor(a, p.isElementwise()));
        }
        Var out = builder.addEquation(p, atoms, source);
        return Tensor.tracer(this, out);
    }

    /** The atom standing for {@code t} in this graph: its var, a literal, a constant or a capture. */
    Atom atomFor(Tensor t, boolean literalOk) {
        if (t.trace() == this) {
            return t.var();
        }
        if (t.isConcrete()) {
            ArrayData d = t.data();
            if (d.type().rank() == 0) {
                Literal lit = Literal.of(d.getDouble(0), d.dtype());
                if (literalOk) {
                    return lit;
                }
                if (!Double.isNaN(lit.value())) {
                    return scalarConstants.computeIfAbsent(lit, l -> builder.addConstant(d));
                }
            }
            return constants.computeIfAbsent(d, builder::addConstant);
        }
        if (!isEnclosedBy(t.trace())) {
            throw escaped(t, label);
        }
        return captured.computeIfAbsent(t, outer -> {
            capturedOrder.add(outer);
            return builder.addInput(outer.type());
        });
    }

    private boolean isEnclosedBy(Trace other) {
        for (Trace p = parent; p != null; p = p.parent) {
            if (p == other) {
                return other.open;
            }
        }
        return false;
    }

    /** The error for using tracer {@code t} where its trace is not open (see {@link #escaped}). */
    public static KilnException escapedError(Tensor t) {
        return escaped(t, null);
    }

    static KilnException escaped(Tensor t, String where) {
        String when = t.trace().open ? "from another thread while it runs" : "after that trace ended";
        return new KilnException("trace", "a traced " + t.type() + " from " + t.trace().label()
                + " was used " + (where == null ? "outside it" : "in " + where) + " " + when,
                SourceLocation.ofCaller(),
                "traced values live only while their function runs; return them from the function "
                        + "instead of storing them in fields or outer variables");
    }
}
