package dev.kiln.ir.gen;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Atom;
import dev.kiln.ir.Constant;
import dev.kiln.ir.DType;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Literal;
import dev.kiln.ir.Shape;
import dev.kiln.ir.SourceLocation;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.Primitive;
import dev.kiln.ir.prim.ShapeRules;
import dev.kiln.ir.prim.Unary;
import dev.kiln.ir.prim.UnaryOp;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;

/**
 * The generator's workspace: a graph under construction that can be rolled back to a mark (so a
 * primitive whose operands turn out unusable leaves no trace), with every value's {@link Range} and
 * whether it depends on a graph input. Generators pick operands from the values built so far (the
 * most recent ones first, so programs are chains rather than fans) or make fresh inputs.
 */
final class ProgramBuilder {
    /** Thrown by a generator that cannot complete its primitive; the caller rolls back. */
    static final class Reject extends RuntimeException {
        Reject(String why) {
            super(why, null, false, false);
        }
    }

    /** Sizes of the lists, enough to undo everything added after it. */
    record Mark(int inputs, int constants, int equations, int values) {
    }

    /** Ranges {@link RandomPrograms#randomInputs} draws inputs from. */
    static final Range FLOAT_INPUT = Range.UNIT;
    static final Range INT_INPUT = new Range(-8, 8);

    final Random rnd;
    final RandomPrograms.Options options;
    private final List<Var> inputs = new ArrayList<>();
    private final List<Constant> constants = new ArrayList<>();
    private final List<Equation> equations = new ArrayList<>();
    /** Every bound variable in binding order. */
    private final List<Var> values = new ArrayList<>();
    private final Map<Var, Range> ranges = new IdentityHashMap<>();
    private final Map<Var, Boolean> dependent = new IdentityHashMap<>();

    ProgramBuilder(Random rnd, RandomPrograms.Options options) {
        this.rnd = rnd;
        this.options = options;
    }

    Mark mark() {
        return new Mark(inputs.size(), constants.size(), equations.size(), values.size());
    }

    void reset(Mark m) {
        for (Var v : values.subList(m.values(), values.size())) {
            ranges.remove(v);
            dependent.remove(v);
        }
        values.subList(m.values(), values.size()).clear();
        inputs.subList(m.inputs(), inputs.size()).clear();
        constants.subList(m.constants(), constants.size()).clear();
        equations.subList(m.equations(), equations.size()).clear();
    }

    int equationCount() {
        return equations.size();
    }

    Graph build(List<? extends Atom> outputs) {
        return new Graph(inputs, constants, equations, List.copyOf(outputs));
    }

    List<Var> values() {
        return values;
    }

    boolean allows(Class<? extends Primitive> kind) {
        return options.primitives().contains(kind);
    }

    DType floatType() {
        return options.floatType();
    }

    boolean differentiable() {
        return options.differentiable();
    }

    // ---- facts about values ----

    Range range(Atom a) {
        return switch (a) {
            case Var v -> ranges.get(v);
            case Literal l -> Range.point(l.value());
        };
    }

    boolean dependsOnInput(Atom a) {
        return a instanceof Var v && dependent.get(v);
    }

    /**
     * In a differentiable program every input-dependent value is a float made by a primitive that is
     * smooth almost everywhere; a primitive that is not (floor, compare, argmax, ...) may only see
     * values that do not depend on the inputs.
     */
    boolean usableByNonSmooth(Atom a) {
        return !differentiable() || !dependsOnInput(a);
    }

    // ---- random choices ----

    int dim() {
        return 1 + rnd.nextInt(options.maxDim());
    }

    int rank(int min, int max) {
        return min + rnd.nextInt(Math.max(max - min + 1, 1));
    }

    Shape shape(int rank) {
        int[] d = new int[rank];
        for (int i = 0; i < rank; i++) {
            d[i] = dim();
        }
        return Shape.of(d);
    }

    /** A numeric dtype: the program's float type, or sometimes i32 outside differentiable programs. */
    DType numericType() {
        return !differentiable() && rnd.nextInt(5) == 0 ? DType.I32 : floatType();
    }

    @SafeVarargs
    final <T> T choose(T... xs) {
        return xs[rnd.nextInt(xs.length)];
    }

    <T> T choose(List<T> xs) {
        return xs.get(rnd.nextInt(xs.size()));
    }

    // ---- operands ----

    /**
     * A value accepted by {@code ok}: the most recent such value half the time, a random earlier one
     * or a fresh one of type {@code fresh} otherwise. Fresh values are inputs where that keeps the
     * program valid and constants where they must not depend on inputs.
     */
    Var operand(Predicate<Var> ok, TensorType fresh, boolean mustBeIndependent) {
        Predicate<Var> accept = mustBeIndependent ? ok.and(v -> !dependent.get(v)) : ok;
        if (rnd.nextInt(6) > 0) {
            List<Var> matches = values.stream().filter(accept).toList();
            if (!matches.isEmpty()) {
                return rnd.nextBoolean() ? matches.getLast() : choose(matches);
            }
        }
        return fresh(fresh, mustBeIndependent);
    }

    /** A value of exactly {@code type}, from the pool or fresh. */
    Var operandOfType(TensorType type, boolean mustBeIndependent) {
        return operand(v -> v.type().equals(type), type, mustBeIndependent);
    }

    /** A new input of {@code type}, or a new constant if inputs are used up or independence is needed. */
    Var fresh(TensorType type, boolean mustBeIndependent) {
        boolean inputAllowed = !mustBeIndependent && inputs.size() < options.maxInputs()
                && (!differentiable() || type.dtype() == floatType());
        if (inputAllowed) {
            Var v = new Var(type);
            inputs.add(v);
            record(v, type.dtype() == DType.I32 ? INT_INPUT : type.dtype() == DType.BOOL ? Range.BOOL : FLOAT_INPUT, true);
            return v;
        }
        Range r = type.dtype() == DType.I32 ? INT_INPUT : type.dtype() == DType.BOOL ? Range.BOOL : FLOAT_INPUT;
        return constant(randomArray(type, r, rnd), r);
    }

    Var constant(ArrayData value, Range range) {
        Var v = new Var(value.type());
        constants.add(new Constant(v, value));
        record(v, range, false);
        return v;
    }

    /** A literal of {@code dtype} from a small exactly-representable set in {@code [-2, 2]}. */
    Literal literal(DType dtype) {
        return switch (dtype) {
            case F32, F64 -> Literal.of((rnd.nextInt(17) - 8) / 4.0, dtype);
            case I32 -> Literal.of(rnd.nextInt(9) - 4, dtype);
            case BOOL -> Literal.of(rnd.nextInt(2), dtype);
        };
    }

    // ---- emitting ----

    /**
     * Appends {@code p(operands)}. If its result would leave the safe float range, first tries again
     * with large float operands squashed by {@link #bounded}; rejects if that does not help.
     */
    Var emit(Primitive p, List<? extends Atom> operands) {
        List<Atom> ops = new ArrayList<>(operands);
        TensorType t = ShapeRules.infer(p, ops.stream().map(Atom::type).toList());
        Range r = rangeOf(p, ops, t);
        if (t.dtype().isFloating() && !r.isSafe()) {
            for (int i = 0; i < ops.size(); i++) {
                if (ops.get(i) instanceof Var v && v.dtype().isFloating() && range(v).magnitude() > 1) {
                    ops.set(i, bounded(v));
                }
            }
            r = rangeOf(p, ops, t);
            if (!r.isSafe()) {
                throw new Reject(p.name() + " would produce values in " + r);
            }
        }
        Var out = new Var(t);
        equations.add(new Equation(p, ops, out, SourceLocation.UNKNOWN));
        record(out, r, ops.stream().anyMatch(this::dependsOnInput));
        return out;
    }

    Var emit(Primitive p, Atom... operands) {
        return emit(p, List.of(operands));
    }

    private Range rangeOf(Primitive p, List<Atom> ops, TensorType out) {
        return RangeRules.of(p, ops.stream().map(this::range).toList(), ops.stream().map(Atom::type).toList(), out);
    }

    private void record(Var v, Range r, boolean dependsOnInput) {
        values.add(v);
        ranges.put(v, r);
        dependent.put(v, dependsOnInput);
    }

    // ---- guards: make an operand safe for the primitive about to use it ----

    /** {@code x} with magnitude at most 1 (float: tanh) or at most 255 (i32: and 255). */
    Var bounded(Var x) {
        Range r = range(x);
        if (x.dtype() == DType.BOOL || x.dtype() == DType.I32 && r.within(-255, 255) || r.within(-1, 1)) {
            return x;
        }
        if (x.dtype() == DType.I32) {
            if (!allows(Binary.class)) {
                throw new Reject("cannot bound " + x + " without binary primitives");
            }
            return emit(new Binary(BinaryOp.AND), x, Literal.of(255, DType.I32));
        }
        return allows(Unary.class) ? emit(new Unary(UnaryOp.TANH), x) : fresh(x.type(), !dependsOnInput(x));
    }

    /** {@code x} with values at least 0.25: {@code exp(tanh(x))} (in [1/e, e]) or a positive constant. */
    Var positive(Var x) {
        if (range(x).lo() >= 0.25) {
            return x;
        }
        if (allows(Unary.class)) {
            Var t = x;
            if (!range(x).within(-1, 1)) {
                t = emit(new Unary(UnaryOp.TANH), x);
            }
            return emit(new Unary(UnaryOp.EXP), t);
        }
        Range r = new Range(0.5, 1.5);
        return constant(randomArray(x.type(), r, rnd), r);
    }

    /**
     * An i32 divisor in {@code [1, 255]}: {@code (y & 255) | 1} unless {@code y} is already positive.
     * Never zero, and never -1, whose quotient of MIN_VALUE overflows (defined in Java, not in C).
     */
    Atom positiveInt(Atom y) {
        if (range(y).lo() > 0) {
            return y;
        }
        if (y instanceof Literal) {
            return Literal.of(1 + rnd.nextInt(4), DType.I32);
        }
        Var low = emit(new Binary(BinaryOp.AND), y, Literal.of(255, DType.I32));
        return emit(new Binary(BinaryOp.OR), low, Literal.of(1, DType.I32));
    }

    /** Uniform elements of {@code type} in {@code r} (integers rounded, booleans fair coins). */
    static ArrayData randomArray(TensorType type, Range r, Random rnd) {
        ArrayData a = ArrayData.zeros(type);
        for (int i = 0; i < a.size(); i++) {
            switch (type.dtype()) {
                case F32, F64 -> a.setDouble(i, r.lo() + (r.hi() - r.lo()) * rnd.nextDouble());
                case I32 -> a.setInt(i, (int) (r.lo() + rnd.nextLong((long) r.hi() - (long) r.lo() + 1)));
                case BOOL -> a.setDouble(i, rnd.nextInt(2));
            }
        }
        return a;
    }
}
