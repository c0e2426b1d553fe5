package dev.kiln.vmap;

import dev.kiln.ir.Atom;
import dev.kiln.ir.Constant;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.Literal;
import dev.kiln.ir.SourceLocation;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.tracer.Dispatch;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.TracedFunction;
import dev.kiln.tracer.Tracing;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The batching transform on graphs (JAX's {@code batch_jaxpr}): from the program for one example
 * to the program for a batch of them. It traces a replay of the per-example graph in which every
 * value is a {@link BatchedValue}; equations whose operands are all unbatched are replayed as they
 * are, the others go through their primitive's rule in {@link BatchingRules}. Rules move the batch
 * axis only when they must, so the result has no per-example loop and no needless transposes.
 */
public final class Batching {
    private Batching() {
    }

    /**
     * The batched form of {@code g}.
     *
     * @param g         the per-example program
     * @param inDims    per input of {@code g}, where the batched program's input has its batch axis
     *                  ({@code 0..rank}), or -1 for an unbatched input of the same type as in {@code g}
     * @param batchSize the number of examples
     * @param outDims   per output, where its batch axis goes ({@code 0..rank}); -1 asks for an
     *                  unbatched output, an error if it depends on a batched input
     */
    public static Graph graph(Graph g, int[] inDims, int batchSize, int[] outDims) {
        List<String> names = new ArrayList<>();
        for (int j = 0; j < g.outputs().size(); j++) {
            names.add("output " + j);
        }
        return graph(g, inDims, batchSize, outDims, names);
    }

    /** As {@link #graph(Graph, int[], int, int[])}, naming the outputs in errors by {@code outNames}. */
    static Graph graph(Graph g, int[] inDims, int batchSize, int[] outDims, List<String> outNames) {
        checkDims(g, inDims, batchSize, outDims);
        List<Object> specs = new ArrayList<>(inDims.length);
        for (int i = 0; i < inDims.length; i++) {
            TensorType t = g.inputs().get(i).type();
            specs.add(inDims[i] < 0 ? t : t.withShape(t.shape().with(inDims[i], batchSize)));
        }
        TracedFunction traced = Tracing.trace(args -> replay(g, args, inDims, batchSize, outDims, outNames), specs, "vmap");
        if (!traced.captured().isEmpty()) {
            throw new IllegalStateException("batched graph captured outer values: " + traced.captured());
        }
        return traced.graph();
    }

    /**
     * {@code g} batched and applied to {@code args} inside the enclosing trace: the equations that
     * {@code Tracing.apply(graph(g, ..), args)} would record, recorded directly, without first
     * building the batched graph (for a large program, a second full replay of it).
     *
     * @param args per input of {@code g}, a tensor of the batched program's input type
     */
    static List<Tensor> applyInTrace(Graph g, List<Tensor> args, int[] inDims, int batchSize, int[] outDims,
                                     List<String> outNames) {
        checkDims(g, inDims, batchSize, outDims);
        for (int i = 0; i < args.size(); i++) {
            TensorType t = g.inputs().get(i).type();
            TensorType expect = inDims[i] < 0 ? t : t.withShape(t.shape().with(inDims[i], batchSize));
            if (!args.get(i).type().equals(expect)) {
                throw new IllegalArgumentException("batched input " + i + " must be " + expect + ", got " + args.get(i).type());
            }
        }
        return replay(g, new ArrayList<>(args), inDims, batchSize, outDims, outNames);
    }

    private static List<Tensor> replay(Graph g, List<Object> args, int[] inDims, int batchSize, int[] outDims,
                                       List<String> outNames) {
        Map<Var, BatchedValue> env = new IdentityHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            env.put(g.inputs().get(i), new BatchedValue((Tensor) args.get(i), inDims[i]));
        }
        for (Constant c : g.constants()) {
            env.put(c.var(), BatchedValue.unbatched(Tensor.of(c.value())));
        }
        for (Equation eq : g.equations()) {
            env.put(eq.out(), batchEquation(eq, read(env, eq.inputs()), batchSize));
        }
        List<Tensor> out = new ArrayList<>(outDims.length);
        for (int j = 0; j < outDims.length; j++) {
            out.add(placeOutput(read(env, List.of(g.outputs().get(j))).get(0), outDims[j], batchSize, outNames.get(j)));
        }
        return out;
    }

    private static BatchedValue batchEquation(Equation eq, List<BatchedValue> in, int batchSize) {
        if (in.stream().noneMatch(BatchedValue::isBatched)) {
            List<Tensor> values = in.stream().map(BatchedValue::value).toList();
            return BatchedValue.unbatched(Dispatch.bind(eq.primitive(), values, eq.source()));
        }
        BatchedValue result = BatchingRules.apply(eq.primitive(), in, new RuleContext(batchSize, eq.source()));
        TensorType expect = eq.out().type();
        TensorType got = result.value().type();
        if (result.isBatched()) {
            got = got.withShape(got.shape().without(result.bdim()));
        }
        if (!got.equals(expect) || result.isBatched() && result.value().shape().dim(result.bdim()) != batchSize) {
            throw new IllegalStateException("batching rule of " + eq.primitive() + " gave " + result.value().type()
                    + " batched at " + result.bdim() + " for a per-example " + expect);
        }
        return result;
    }

    private static List<BatchedValue> read(Map<Var, BatchedValue> env, List<Atom> atoms) {
        List<BatchedValue> out = new ArrayList<>(atoms.size());
        for (Atom a : atoms) {
            out.add(switch (a) {
                case Var v -> env.get(v);
                case Literal l -> BatchedValue.unbatched(Tensor.scalar(l.value(), l.dtype()));
            });
        }
        return out;
    }

    private static Tensor placeOutput(BatchedValue v, int outDim, int batchSize, String name) {
        if (outDim < 0) {
            if (v.isBatched()) {
                TensorType t = v.value().type();
                throw new KilnException("vmap", name + " (" + t.withShape(t.shape().without(v.bdim()))
                        + " per example) depends on a mapped input, so it cannot be returned unmapped (out axis null)",
                        SourceLocation.ofCaller(), "give it an out axis, e.g. 0, to get one value per example");
            }
            return v.value();
        }
        RuleContext cx = new RuleContext(batchSize, SourceLocation.ofCaller());
        return cx.materialize(v, outDim);
    }

    private static void checkDims(Graph g, int[] inDims, int batchSize, int[] outDims) {
        if (inDims.length != g.inputs().size() || outDims.length != g.outputs().size()) {
            throw new IllegalArgumentException("graph has " + g.inputs().size() + " inputs and " + g.outputs().size()
                    + " outputs, got " + inDims.length + " in dims and " + outDims.length + " out dims");
        }
        if (batchSize < 0) {
            throw new IllegalArgumentException("negative batch size " + batchSize);
        }
        for (int i = 0; i < inDims.length; i++) {
            int rank = g.inputs().get(i).type().rank();
            if (inDims[i] < -1 || inDims[i] > rank) {
                throw new IllegalArgumentException("in dim " + inDims[i] + " of input " + i + " ("
                        + g.inputs().get(i).type() + ") is not in -1.." + rank);
            }
        }
        for (int j = 0; j < outDims.length; j++) {
            int rank = g.outputs().get(j).type().rank();
            if (outDims[j] < -1 || outDims[j] > rank) {
                throw new IllegalArgumentException("out dim " + outDims[j] + " of output " + j + " ("
                        + g.outputs().get(j).type() + ") is not in -1.." + rank);
            }
        }
    }
}
