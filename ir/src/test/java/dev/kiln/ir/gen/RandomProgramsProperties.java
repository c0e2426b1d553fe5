package dev.kiln.ir.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Atom;
import dev.kiln.ir.DType;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Literal;
import dev.kiln.ir.Var;
import dev.kiln.ir.interp.Interpreter;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.ConvGeneralDilated;
import dev.kiln.ir.prim.Convert;
import dev.kiln.ir.prim.DotGeneral;
import dev.kiln.ir.prim.Gather;
import dev.kiln.ir.prim.Primitive;
import dev.kiln.ir.prim.ReduceWindow;
import dev.kiln.ir.prim.ScatterAdd;
import dev.kiln.ir.prim.Select;
import dev.kiln.ir.prim.Unary;
import dev.kiln.ir.prim.WindowKind;
import dev.kiln.ir.text.GraphPrinter;
import dev.kiln.ir.verify.Verifier;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class RandomProgramsProperties {

    @Provide
    Arbitrary<RandomPrograms.Options> options() {
        RandomPrograms.Options d = RandomPrograms.Options.defaults();
        return Arbitraries.of(
                d,
                d.withFloatType(DType.F64).withMaxEquations(30),
                d.onlyDifferentiable(),
                d.onlyDifferentiable().withFloatType(DType.F64).withMaxEquations(25),
                d.withFamilies(RandomPrograms.Family.CONTRACTION, RandomPrograms.Family.WINDOW),
                d.withFamilies(RandomPrograms.Family.INDEXING),
                d.only(Unary.class).withMaxRank(1),
                d.withMaxRank(2).withMaxDim(2).withMaxInputs(1).withMaxOutputs(1),
                d.withMaxDim(6).withMaxEquations(40));
    }

    @Property(tries = 300)
    void generatedProgramsVerify(@ForAll long seed, @ForAll("options") RandomPrograms.Options o) {
        Graph g = RandomPrograms.generate(new Random(seed), o);
        Verifier.verify(g);
        assertTrue(g.equations().size() >= 1 && g.equations().size() <= o.maxEquations(), "equation count");
        assertTrue(g.inputs().size() <= o.maxInputs() && g.outputs().size() <= o.maxOutputs(), "input/output counts");
        for (Equation e : g.equations()) {
            assertTrue(o.primitives().contains(e.primitive().getClass()), e.primitive() + " not allowed by " + o);
            assertTrue(e.out().type().rank() <= o.maxRank(), "rank of " + e.out().type());
        }
        for (Var v : g.inputs()) {
            assertTrue(v.type().rank() <= o.maxRank(), "rank of " + v.type());
        }
    }

    @Property(tries = 100)
    void sameSeedGivesTheSameProgram(@ForAll long seed, @ForAll("options") RandomPrograms.Options o) {
        String first = GraphPrinter.print(RandomPrograms.generate(new Random(seed), o));
        String second = GraphPrinter.print(RandomPrograms.generate(new Random(seed), o));
        assertEquals(first, second);
    }

    /** Recomputed from the graph alone: no value can leave the safe range, no index can be out of bounds. */
    @Property(tries = 300)
    void programsAreNumericallySafeOnRandomInputs(@ForAll long seed, @ForAll("options") RandomPrograms.Options o) {
        Graph g = RandomPrograms.generate(new Random(seed), o);
        ProgramFacts facts = new ProgramFacts(g);
        for (Equation e : g.equations()) {
            String where = e.primitive() + " in\n" + GraphPrinter.print(g);
            if (e.out().dtype().isFloating()) {
                assertTrue(facts.range(e.out()).isSafe(), facts.range(e.out()) + " from " + where);
            }
            switch (e.primitive()) {
                case Gather gather -> assertIndicesInRange(facts, e, gather.batchDims(), where);
                case ScatterAdd scatter -> assertIndicesInRange(facts, e, scatter.batchDims(), where);
                case Binary b when (b.op() == BinaryOp.DIV || b.op() == BinaryOp.REM) && e.out().dtype() == DType.I32 ->
                        assertTrue(isPositiveInt(facts, e.input(1)), "divisor may be zero or negative: " + where);
                case Convert c when c.to() == DType.I32 && e.input(0).dtype().isFloating() ->
                        assertTrue(facts.range(e.input(0)).within(-1e9, 1e9), "float to int out of range: " + where);
                default -> { }
            }
        }
    }

    /**
     * Run in the reference interpreter on {@link RandomPrograms#randomInputs}, a program throws
     * nothing (no index out of range, no division by zero) and every value lies in the range the
     * analysis gives it (up to rounding), so in particular every float is finite and below 1e6.
     */
    @Property(tries = 300)
    void programsRunInTheInterpreterWithinTheirRanges(@ForAll long seed, @ForAll("options") RandomPrograms.Options o) {
        Graph program = RandomPrograms.generate(new Random(seed), o);
        List<Atom> everyValue = program.equations().stream().map(e -> (Atom) e.out()).toList();
        Graph g = new Graph(program.inputs(), program.constants(), program.equations(), everyValue);
        List<ArrayData> values = Interpreter.run(g, RandomPrograms.randomInputs(g, new Random(~seed)));
        ProgramFacts facts = new ProgramFacts(g);
        for (int i = 0; i < values.size(); i++) {
            Equation e = g.equations().get(i);
            Range r = facts.range(e.out());
            double slack = 1e-4 * Math.max(1, r.magnitude());
            for (double v : values.get(i).toDoubleArray()) {
                assertTrue(r.lo() - slack <= v && v <= r.hi() + slack,
                        v + " outside " + r + " at equation " + i + " (" + e.primitive() + ") of\n" + GraphPrinter.print(program));
            }
        }
    }

    private static void assertIndicesInRange(ProgramFacts facts, Equation e, int batchDims, String where) {
        int rows = e.input(0).type().dim(batchDims);
        assertTrue(facts.range(e.input(1)).within(0, rows - 1), "indices " + facts.range(e.input(1)) + " for " + rows + " rows: " + where);
    }

    /** A value whose range is positive, or {@code y | 1} with {@code y} known non-negative. */
    private static boolean isPositiveInt(ProgramFacts facts, Atom a) {
        if (facts.range(a).lo() > 0) {
            return true;
        }
        return a instanceof Var v && facts.definition.get(v) instanceof Equation d
                && d.primitive().equals(new Binary(BinaryOp.OR)) && d.input(1).equals(Literal.of(1, DType.I32))
                && facts.range(d.input(0)).lo() >= 0;
    }

    /**
     * In a differentiable program, inputs are floats, input-dependent values are floats made by
     * primitives that are smooth almost everywhere, select predicates do not depend on inputs, and
     * outputs are input-dependent floats.
     */
    @Property(tries = 300)
    void differentiableProgramsRouteInputsOnlyThroughSmoothFloatPrimitives(@ForAll long seed) {
        RandomPrograms.Options o = RandomPrograms.Options.defaults().onlyDifferentiable().withMaxEquations(25);
        Graph g = RandomPrograms.generate(new Random(seed), o);
        ProgramFacts facts = new ProgramFacts(g);
        g.inputs().forEach(v -> assertEquals(o.floatType(), v.dtype()));
        for (Equation e : g.equations()) {
            if (!facts.dependsOnInput(e.out())) {
                continue;
            }
            String where = GraphPrinter.print(g);
            assertTrue(e.out().dtype() == o.floatType(), "input-dependent non-float " + e.out().type() + " in\n" + where);
            assertTrue(isSmooth(e.primitive()), "input reaches non-smooth " + e.primitive() + " in\n" + where);
            if (e.primitive() instanceof Select) {
                assertTrue(!facts.dependsOnInput(e.input(0)), "input-dependent select predicate in\n" + where);
            }
        }
        for (Atom out : g.outputs()) {
            assertTrue(out.dtype() == o.floatType() && facts.dependsOnInput(out), "output " + out);
        }
    }

    private static boolean isSmooth(Primitive p) {
        return switch (p) {
            case Unary u -> switch (u.op()) {
                case FLOOR, CEIL, ROUND, SIGN, STOP_GRADIENT, NOT -> false;
                default -> true;
            };
            case Binary b -> b.op() != BinaryOp.REM && !b.op().isBitwise();
            case Convert c -> c.to().isFloating();
            case dev.kiln.ir.prim.Compare c -> false;
            case dev.kiln.ir.prim.ArgMax a -> false;
            case dev.kiln.ir.prim.RandomBits r -> false;
            case dev.kiln.ir.prim.RandomSplit r -> false;
            case dev.kiln.ir.prim.Iota i -> false;
            default -> true;
        };
    }

    @Property(tries = 50)
    void maxPoolingWindowsAlwaysHoldARealElement(@ForAll long seed) {
        Graph g = RandomPrograms.generate(new Random(seed), RandomPrograms.Options.defaults()
                .withFamilies(RandomPrograms.Family.WINDOW));
        for (Equation e : g.equations()) {
            if (e.primitive() instanceof ReduceWindow w && w.kind() == WindowKind.MAX) {
                for (int i = 0; i < w.windowDims().size(); i++) {
                    assertTrue(w.padLow().get(i) < w.windowDims().get(i) && w.padHigh().get(i) < w.windowDims().get(i), w.toString());
                }
            }
        }
    }

    @Property(tries = 30)
    void restrictingToOnePrimitiveGivesOnlyThatPrimitive(@ForAll long seed) {
        for (Class<? extends Primitive> kind : List.of(ConvGeneralDilated.class, DotGeneral.class, Gather.class)) {
            Graph g = RandomPrograms.generate(new Random(seed), RandomPrograms.Options.defaults().only(kind));
            g.equations().forEach(e -> assertEquals(kind, e.primitive().getClass()));
        }
    }
}
