package dev.kiln.autodiff;

import dev.kiln.ir.Atom;
import dev.kiln.ir.Constant;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.Literal;
import dev.kiln.ir.SourceLocation;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.verify.Checks;
import dev.kiln.ir.verify.Verifier;
import dev.kiln.tracer.Dispatch;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.TracedFunction;
import dev.kiln.tracer.Tracing;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode automatic differentiation as an IR-to-IR transform (JAX's {@code vjp}). Given
 * {@code g: (x_1..x_n) -> (y_1..y_m)}, {@link #graph} builds
 * {@code (x_1..x_n, ct_1..ct_m) -> (y_1..y_m, dx_i for each differentiated x_i)} by tracing: g's
 * equations are replayed into a new trace, then walked in reverse, one VJP rule per primitive
 * accumulating cotangents. Every emitted equation keeps the source line of the equation it
 * differentiates.
 *
 * <p>Only equations on a path from a differentiated input to an output are differentiated
 * (activity analysis); integer and boolean values never get cotangents, nor do inputs that are
 * not differentiated. The cotangent of an input that no output depends on is zero, built by
 * broadcasting a scalar. Cotangent inputs of non-floating outputs are accepted and ignored.
 */
public final class Vjp {
    private Vjp() {
    }

    /** What {@link #run} computed: g's outputs and one cotangent per differentiated input. */
    public record Result(List<Tensor> outputs, List<Tensor> cotangents) {
        public Result {
            outputs = List.copyOf(outputs);
            cotangents = List.copyOf(cotangents);
        }
    }

    /**
     * The VJP graph of {@code g}: inputs are g's inputs then one cotangent per output (of the
     * output's type); outputs are g's outputs then the cotangent of each input with {@code wrt[i]}.
     */
    public static Graph graph(Graph g, boolean[] wrt) {
        checkWrt(g, wrt);
        List<Object> specs = new ArrayList<>(g.inputTypes());
        specs.addAll(g.outputTypes());
        int n = g.inputs().size();
        TracedFunction tf = Tracing.trace(args -> {
            List<Tensor> all = tensors(args);
            Result r = run(g, wrt, all.subList(0, n), all.subList(n, all.size()));
            List<Tensor> out = new ArrayList<>(r.outputs());
            out.addAll(r.cotangents());
            return out;
        }, specs, "vjp");
        return closed(tf, "vjp");
    }

    /**
     * Replays {@code g} on {@code xs} and runs its backward pass from {@code cts} (one per output,
     * null for an output with no cotangent), in the current trace, or eagerly when there is none.
     */
    public static Result run(Graph g, boolean[] wrt, List<Tensor> xs, List<Tensor> cts) {
        checkWrt(g, wrt);
        if (xs.size() != g.inputs().size() || cts.size() != g.outputs().size()) {
            throw new IllegalArgumentException("vjp: graph takes " + g.inputs().size() + " inputs and "
                    + g.outputs().size() + " cotangents, got " + xs.size() + " and " + cts.size());
        }
        Map<Var, Tensor> env = new IdentityHashMap<>();
        Set<Var> active = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < xs.size(); i++) {
            Var v = g.inputs().get(i);
            env.put(v, xs.get(i));
            if (wrt[i]) {
                active.add(v);
            }
        }
        for (Constant c : g.constants()) {
            env.put(c.var(), Tensor.of(c.value()));
        }
        for (Equation eq : g.equations()) {
            Tensor out = Dispatch.bind(eq.primitive(), read(env, eq.inputs()), eq.source());
            env.put(eq.out(), out);
            if (eq.out().dtype().isFloating() && VjpRules.propagates(eq.primitive()) && anyActive(eq, active)) {
                active.add(eq.out());
            }
        }
        List<Tensor> outputs = read(env, g.outputs());
        Map<Var, Tensor> ct = backward(g, env, active, cts);
        List<Tensor> grads = new ArrayList<>();
        for (int i = 0; i < wrt.length; i++) {
            if (wrt[i]) {
                Var v = g.inputs().get(i);
                Tensor c = ct.get(v);
                grads.add(c != null ? c : new Emitter(SourceLocation.UNKNOWN).zeros(v.type()));
            }
        }
        return new Result(outputs, grads);
    }

    /** Seeds the outputs' cotangents and walks the equations in reverse; returns the inputs' cotangents. */
    private static Map<Var, Tensor> backward(Graph g, Map<Var, Tensor> env, Set<Var> active, List<Tensor> cts) {
        Map<Var, Tensor> ct = new IdentityHashMap<>();
        for (int j = 0; j < cts.size(); j++) {
            if (g.outputs().get(j) instanceof Var v && active.contains(v) && cts.get(j) != null) {
                Tensor seed = cts.get(j);
                if (!seed.type().equals(v.type())) {
                    throw new IllegalArgumentException("vjp: cotangent " + j + " is " + seed.type()
                            + ", output is " + v.type());
                }
                accumulate(ct, v, seed, SourceLocation.UNKNOWN);
            }
        }
        SlabCotangents slabs = new SlabCotangents();
        List<Equation> eqs = g.equations();
        for (int k = eqs.size() - 1; k >= 0; k--) {
            Equation eq = eqs.get(k);
            Tensor outCt = slabs.release(eq.out(), ct.remove(eq.out()));
            if (outCt == null || !active.contains(eq.out())) {
                continue;
            }
            boolean[] needs = new boolean[eq.inputs().size()];
            for (int i = 0; i < needs.length; i++) {
                needs[i] = eq.input(i) instanceof Var v && active.contains(v);
            }
            if (needs[0] && slabs.hold(eq, outCt)) {
                continue;
            }
            VjpCall call = new VjpCall(eq, read(env, eq.inputs()), env.get(eq.out()), outCt, needs,
                    new Emitter(eq.source()));
            Tensor[] inCts = VjpRules.vjp(call);
            for (int i = 0; i < needs.length; i++) {
                if (needs[i] && inCts[i] != null) {
                    Var v = (Var) eq.input(i);
                    if (!inCts[i].type().equals(v.type())) {
                        throw new IllegalStateException("vjp rule of " + eq.primitive() + " gave " + inCts[i].type()
                                + " for operand " + i + " of type " + v.type());
                    }
                    accumulate(ct, v, inCts[i], eq.source());
                }
            }
        }
        for (Var v : slabs.held()) {
            ct.put(v, slabs.release(v, ct.get(v)));
        }
        return ct;
    }

    private static void accumulate(Map<Var, Tensor> ct, Var v, Tensor c, SourceLocation source) {
        Tensor prev = ct.get(v);
        ct.put(v, prev == null ? c : Dispatch.bind(new Binary(BinaryOp.ADD), List.of(prev, c), source));
    }

    private static boolean anyActive(Equation eq, Set<Var> active) {
        for (Atom a : eq.inputs()) {
            if (a instanceof Var v && active.contains(v)) {
                return true;
            }
        }
        return false;
    }

    private static List<Tensor> read(Map<Var, Tensor> env, List<Atom> atoms) {
        List<Tensor> out = new ArrayList<>(atoms.size());
        for (Atom a : atoms) {
            out.add(switch (a) {
                case Var v -> env.get(v);
                case Literal l -> Tensor.scalar(l.value(), l.dtype());
            });
        }
        return out;
    }

    private static void checkWrt(Graph g, boolean[] wrt) {
        if (wrt.length != g.inputs().size()) {
            throw new IllegalArgumentException("vjp: wrt has " + wrt.length + " entries for a graph of "
                    + g.inputs().size() + " inputs");
        }
        for (int i = 0; i < wrt.length; i++) {
            TensorType t = g.inputs().get(i).type();
            if (wrt[i] && !t.dtype().isFloating()) {
                throw new KilnException("vjp", "cannot differentiate with respect to input " + i + " of type " + t
                        + ": only floating-point values have gradients");
            }
        }
    }

    static List<Tensor> tensors(List<Object> args) {
        List<Tensor> out = new ArrayList<>(args.size());
        for (Object o : args) {
            out.add((Tensor) o);
        }
        return out;
    }

    /**
     * The traced graph, pruned of equations no output needs and, under {@link Checks}, verified (a
     * failure is a bug of a VJP rule, named by {@code stage}). It closes over nothing by construction.
     */
    static Graph closed(TracedFunction tf, String stage) {
        if (!tf.captured().isEmpty()) {
            throw new IllegalStateException("a derived graph captured " + tf.captured().size() + " outer values");
        }
        Graph g = DeadCode.prune(tf.graph());
        if (Checks.enabled()) {
            Verifier.verify(g, stage);
        }
        return g;
    }
}
