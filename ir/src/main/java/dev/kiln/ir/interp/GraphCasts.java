package dev.kiln.ir.interp;

import dev.kiln.ir.Atom;
import dev.kiln.ir.Constant;
import dev.kiln.ir.DType;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.GraphBuilder;
import dev.kiln.ir.Literal;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.Convert;
import dev.kiln.ir.prim.Iota;
import dev.kiln.ir.prim.Primitive;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Precision casts of whole programs: the same graph with every value of one floating dtype
 * (inputs, constants, literals, convert targets, iota) changed to the other. {@link #toF64} is
 * what finite-difference gradient checks of f32 programs run on; {@link #toF32} goes back. Values
 * of other dtypes (i32 indices, bool masks, random keys) are untouched, and source lines are kept.
 */
public final class GraphCasts {
    private GraphCasts() {
    }

    /** {@code graph} with every f32 value promoted to f64. */
    public static Graph toF64(Graph graph) {
        return cast(graph, DType.F32, DType.F64);
    }

    /** {@code graph} with every f64 value demoted to f32 (constants rounded to nearest). */
    public static Graph toF32(Graph graph) {
        return cast(graph, DType.F64, DType.F32);
    }

    private static Graph cast(Graph graph, DType from, DType to) {
        GraphBuilder b = new GraphBuilder();
        Map<Var, Var> vars = new IdentityHashMap<>();
        for (Var in : graph.inputs()) {
            vars.put(in, b.addInput(in.type().dtype() == from ? in.type().withDType(to) : in.type()));
        }
        for (Constant c : graph.constants()) {
            vars.put(c.var(), b.addConstant(c.value().dtype() == from ? c.value().convert(to) : c.value()));
        }
        for (Equation eq : graph.equations()) {
            List<Atom> operands = new ArrayList<>(eq.inputs().size());
            for (Atom a : eq.inputs()) {
                operands.add(castAtom(a, vars, from, to));
            }
            vars.put(eq.out(), b.addEquation(castPrimitive(eq.primitive(), from, to), operands, eq.source()));
        }
        List<Atom> outputs = new ArrayList<>(graph.outputs().size());
        for (Atom a : graph.outputs()) {
            outputs.add(castAtom(a, vars, from, to));
        }
        return b.build(outputs);
    }

    private static Atom castAtom(Atom a, Map<Var, Var> vars, DType from, DType to) {
        return switch (a) {
            case Literal l -> l.dtype() == from ? Literal.of(l.value(), to) : l;
            case Var v -> {
                Var mapped = vars.get(v);
                if (mapped == null) {
                    throw new IllegalArgumentException("variable " + v + " is used before it is bound");
                }
                yield mapped;
            }
        };
    }

    /** Only the primitives that name a result dtype change; every other one follows its operands. */
    private static Primitive castPrimitive(Primitive p, DType from, DType to) {
        return switch (p) {
            case Convert c when c.to() == from -> new Convert(to);
            case Iota i when i.dtype() == from -> new Iota(to, i.shape(), i.dimension());
            default -> p;
        };
    }
}
