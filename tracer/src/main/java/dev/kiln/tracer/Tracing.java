package dev.kiln.tracer;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Atom;
import dev.kiln.ir.Constant;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.Literal;
import dev.kiln.ir.SourceLocation;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.interp.Interpreter;
import dev.kiln.tracer.tree.PyTree;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns functions into graphs and graphs back into tensor computations. {@link #trace} runs a
 * function on tracers and records what it did; {@link #apply} runs a graph on tensors — inlined
 * into the current trace when there is one (so {@code grad} inside {@code jit} is one graph),
 * executed by the interpreter otherwise.
 */
public final class Tracing {
    private Tracing() {
    }

    /**
     * Traces {@code f} at the abstract signature of {@code args}: each leaf (a {@link Tensor}, or a
     * {@link TensorType} for a value-less spec) becomes a graph input of its type.
     *
     * @param label names the trace in errors and dumps, e.g. {@code jit(loss)}
     */
    public static TracedFunction trace(FnN f, List<Object> args, String label) {
        PyTree.Flat in = PyTree.flatten(args, "arguments");
        Trace trace = Trace.begin(label);
        try {
            List<Tensor> inputs = new ArrayList<>(in.leaves().size());
            for (Object leaf : in.leaves()) {
                TensorType t = leaf instanceof Tensor x ? x.type() : (TensorType) leaf;
                inputs.add(trace.newInput(t));
            }
            @SuppressWarnings("unchecked")
            List<Object> tracedArgs = (List<Object>) in.def().unflatten(inputs);
            Object result = f.apply(tracedArgs);
            PyTree.Flat out = PyTree.flatten(result, "result of " + label);
            for (Object leaf : out.leaves()) {
                if (!(leaf instanceof Tensor)) {
                    throw new KilnException(label, "the function returned an abstract " + leaf + "; return Tensors",
                            SourceLocation.ofCaller(), null);
                }
            }
            List<Atom> outAtoms = new ArrayList<>();
            for (Tensor t : out.tensors()) {
                outAtoms.add(trace.atomFor(t, false));
            }
            Graph g = trace.builder().build(outAtoms);
            return new TracedFunction(g, in.def(), out.def(), trace.capturedTensors());
        } finally {
            trace.end();
        }
    }

    /** The graph of {@code f} at the signature of {@code args} (JAX's {@code make_jaxpr}). */
    public static Graph makeGraph(FnN f, List<Object> args) {
        return trace(f, args, "makeGraph").graph();
    }

    /**
     * Runs {@code graph} on {@code args} (one per graph input). Inside a trace, its equations are
     * replayed into that trace, keeping their source lines; otherwise it runs on the interpreter.
     */
    public static List<Tensor> apply(Graph graph, List<Tensor> args) {
        if (args.size() != graph.inputs().size()) {
            throw new IllegalArgumentException("graph takes " + graph.inputs().size() + " inputs, got " + args.size());
        }
        if (Trace.current() == null && args.stream().allMatch(Tensor::isConcrete)) {
            return interpret(graph, args);
        }
        return replay(graph, args);
    }

    private static List<Tensor> interpret(Graph graph, List<Tensor> args) {
        List<ArrayData> in = new ArrayList<>(args.size());
        for (int i = 0; i < args.size(); i++) {
            Tensor a = args.get(i);
            TensorType expect = graph.inputs().get(i).type();
            if (!a.type().equals(expect)) {
                throw new IllegalArgumentException("graph input " + i + " is " + expect + ", got " + a.type());
            }
            in.add(a.data());
        }
        List<Tensor> out = new ArrayList<>();
        for (ArrayData d : Interpreter.run(graph, in)) {
            out.add(Tensor.concrete(d));
        }
        return out;
    }

    private static List<Tensor> replay(Graph graph, List<Tensor> args) {
        Map<Var, Tensor> env = new IdentityHashMap<>(graph.inputs().size() + graph.constants().size() + graph.equations().size());
        for (int i = 0; i < args.size(); i++) {
            env.put(graph.inputs().get(i), args.get(i));
        }
        for (Constant c : graph.constants()) {
            env.put(c.var(), Tensor.concrete(c.value()));
        }
        for (Equation eq : graph.equations()) {
            List<Tensor> ins = new ArrayList<>(eq.inputs().size());
            for (Atom a : eq.inputs()) {
                ins.add(read(env, a));
            }
            env.put(eq.out(), Dispatch.bind(eq.primitive(), ins, eq.source()));
        }
        List<Tensor> out = new ArrayList<>();
        for (Atom a : graph.outputs()) {
            out.add(read(env, a));
        }
        return out;
    }

    private static Tensor read(Map<Var, Tensor> env, Atom a) {
        return switch (a) {
            case Var v -> env.get(v);
            case Literal l -> Tensor.scalar(l.value(), l.dtype());
        };
    }
}
