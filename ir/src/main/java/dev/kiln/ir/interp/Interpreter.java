package dev.kiln.ir.interp;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Atom;
import dev.kiln.ir.Constant;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.Literal;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.ArgMax;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BroadcastInDim;
import dev.kiln.ir.prim.Compare;
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
import dev.kiln.ir.prim.ShapeRules;
import dev.kiln.ir.prim.Slice;
import dev.kiln.ir.prim.Transpose;
import dev.kiln.ir.prim.Unary;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference interpreter: the executable semantics of the IR, in f32 and f64 (and i32/bool
 * where a primitive allows them), and the oracle every transform, pass and backend is tested
 * against. Written for clarity first: each primitive family has one small evaluator in this
 * package, dispatching on the dtype once and then looping over plain arrays.
 *
 * <p>Numerics: f32 values are computed in double and rounded once to f32 per primitive, so
 * elementwise arithmetic is exactly IEEE f32 and transcendental functions are the correctly
 * rounded f32 of Java's {@link Math}. Reductions, dot_general, convolutions, pooling sums and
 * scatter_add accumulate in double and round once at the end; a backend accumulating in f32
 * will differ by ordinary rounding error. Results never alias operands or graph inputs.
 */
public final class Interpreter {
    private Interpreter() {
    }

    /**
     * Runs {@code graph} on {@code inputs} (one per graph input, of exactly its type), binding its
     * constants, evaluating its equations in order, and returns its outputs.
     *
     * @throws KilnException for a wrong number or type of inputs, or an error of an equation
     *                       (pointing at the equation's source line)
     */
    public static List<ArrayData> run(Graph graph, List<ArrayData> inputs) {
        checkInputs(graph, inputs);
        Map<Var, ArrayData> env = new IdentityHashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            env.put(graph.inputs().get(i), inputs.get(i));
        }
        for (Constant c : graph.constants()) {
            env.put(c.var(), c.value());
        }
        for (Equation eq : graph.equations()) {
            List<ArrayData> operands = new ArrayList<>(eq.inputs().size());
            for (Atom a : eq.inputs()) {
                operands.add(read(env, a));
            }
            ArrayData result;
            try {
                result = evaluate(eq.primitive(), operands);
            } catch (KilnException e) {
                throw e.at(eq.source());
            }
            if (!result.type().equals(eq.out().type())) {
                throw new KilnException("interpreter", eq.primitive().name() + " produced " + result.type()
                        + " but the graph declares its result as " + eq.out().type(), eq.source(),
                        "the graph is malformed; run the verifier on it");
            }
            env.put(eq.out(), result);
        }
        List<ArrayData> outputs = new ArrayList<>(graph.outputs().size());
        for (Atom a : graph.outputs()) {
            // Copy so that a caller mutating an output cannot change an input or a graph constant.
            outputs.add(read(env, a).copy());
        }
        return outputs;
    }

    private static void checkInputs(Graph graph, List<ArrayData> inputs) {
        List<TensorType> expected = graph.inputTypes();
        if (inputs.size() != expected.size()) {
            throw new KilnException("interpreter", "the graph takes " + expected.size() + " input"
                    + (expected.size() == 1 ? "" : "s") + " " + expected + ", got " + inputs.size() + " "
                    + inputs.stream().map(ArrayData::type).toList());
        }
        for (int i = 0; i < inputs.size(); i++) {
            TensorType got = inputs.get(i).type();
            if (!got.equals(expected.get(i))) {
                throw new KilnException("interpreter", "input " + i + " must be " + expected.get(i) + ", got " + got,
                        null, got.shape().equals(expected.get(i).shape()) ? "convert it with ArrayData.convert("
                        + expected.get(i).dtype().name() + ")" : null);
            }
        }
    }

    private static ArrayData read(Map<Var, ArrayData> env, Atom a) {
        return switch (a) {
            case Literal l -> ArrayData.scalar(l.value(), l.dtype());
            case Var v -> {
                ArrayData value = env.get(v);
                if (value == null) {
                    throw new KilnException("interpreter", "variable " + v + " is used before it is bound",
                            null, "the graph is malformed; run the verifier on it");
                }
                yield value;
            }
        };
    }

    /**
     * Applies one primitive to concrete operands (scalar literals passed as rank-0 arrays) and
     * returns a new array; the operands are not modified.
     *
     * @throws KilnException when the operands do not fit the primitive's shape rule, or for an
     *                       out-of-range gather/scatter index
     */
    public static ArrayData evaluate(Primitive p, List<ArrayData> operands) {
        TensorType out = ShapeRules.infer(p, operands.stream().map(ArrayData::type).toList());
        List<ArrayData> x = operands;
        return switch (p) {
            case Unary u -> ElementwiseEval.unary(u.op(), x.get(0), out);
            case Binary b -> ElementwiseEval.binary(b.op(), x.get(0), x.get(1), out);
            case Compare c -> ElementwiseEval.compare(c.op(), x.get(0), x.get(1), out);
            case Select s -> ElementwiseEval.select(x.get(0), x.get(1), x.get(2), out);
            case Convert c -> ElementwiseEval.convert(x.get(0), out);
            case Iota i -> LayoutEval.iota(i, out);
            case BroadcastInDim b -> LayoutEval.broadcastInDim(b, x.get(0), out);
            case Reshape r -> LayoutEval.reshape(x.get(0), out);
            case Transpose t -> LayoutEval.transpose(t, x.get(0), out);
            case Rev r -> LayoutEval.rev(r, x.get(0), out);
            case Slice s -> LayoutEval.slice(s, x.get(0), out);
            case Pad pd -> LayoutEval.pad(pd, x.get(0), x.get(1), out);
            case Concatenate c -> LayoutEval.concatenate(c.dimension(), x, out);
            case ReduceSum r -> ReductionEval.reduceSum(r.axes(), x.get(0), out);
            case ReduceMax r -> ReductionEval.reduceMax(r.axes(), x.get(0), out);
            case ArgMax a -> ReductionEval.argmax(a.axis(), x.get(0), out);
            case DotGeneral d -> DotGeneralEval.dotGeneral(d, x.get(0), x.get(1), out);
            case ConvGeneralDilated c -> ConvEval.conv(c, x.get(0), x.get(1), out);
            case ReduceWindow w -> WindowEval.reduceWindow(w, x.get(0), out);
            case SelectAndScatterAdd s -> WindowEval.selectAndScatterAdd(s, x.get(0), x.get(1), out);
            case Gather g -> IndexingEval.gather(g.batchDims(), x.get(0), x.get(1), out);
            case ScatterAdd s -> IndexingEval.scatterAdd(s.batchDims(), x.get(0), x.get(1), x.get(2), out);
            case RandomBits r -> RandomEval.randomBits(x.get(0), out);
            case RandomSplit r -> RandomEval.randomSplit(r.count(), x.get(0), out);
        };
    }
}
