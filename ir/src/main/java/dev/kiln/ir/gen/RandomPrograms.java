package dev.kiln.ir.gen;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Atom;
import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
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
import dev.kiln.ir.prim.Slice;
import dev.kiln.ir.prim.Transpose;
import dev.kiln.ir.prim.Unary;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Random well-typed programs over the whole primitive set, for property tests of transforms,
 * passes and backends against the interpreter. The same {@link Random} seed gives the same graph.
 *
 * <p>Programs are numerically safe on the inputs {@link #randomInputs} makes: every float stays
 * finite and below 1e6 in magnitude (log, sqrt and division see operands bounded away from zero, exp
 * sees bounded ones), integer division never divides by zero, gather and scatter indices are in
 * range, max pooling windows always hold a real element. With {@link Options#onlyDifferentiable()} every
 * input is a float, every value that depends on an input is a float made by a primitive that is
 * smooth almost everywhere (so autodiff can be checked against finite differences), and the outputs
 * are floats; discrete primitives (compare, argmax, floor, random bits, ...) then only see values
 * that do not depend on the inputs.
 *
 * <pre>
 * Graph g = RandomPrograms.generate(new Random(seed), RandomPrograms.Options.defaults()
 *         .withFamilies(Family.ELEMENTWISE, Family.CONTRACTION).onlyDifferentiable().withFloatType(DType.F64));
 * List&lt;ArrayData&gt; xs = RandomPrograms.randomInputs(g, new Random(seed));
 * </pre>
 */
public final class RandomPrograms {
    /** The primitives grouped as the transforms treat them, for {@link Options#withFamilies}. */
    public enum Family {
        ELEMENTWISE(Unary.class, Binary.class, Compare.class, Select.class, Convert.class),
        LAYOUT(Iota.class, BroadcastInDim.class, Reshape.class, Transpose.class, Rev.class, Slice.class, Pad.class,
                Concatenate.class),
        REDUCTION(ReduceSum.class, ReduceMax.class, ArgMax.class),
        CONTRACTION(DotGeneral.class, ConvGeneralDilated.class),
        WINDOW(ReduceWindow.class, SelectAndScatterAdd.class),
        INDEXING(Gather.class, ScatterAdd.class),
        RANDOM(RandomBits.class, RandomSplit.class);

        private final Set<Class<? extends Primitive>> members;

        @SafeVarargs
        Family(Class<? extends Primitive>... members) {
            this.members = Set.of(members);
        }

        public Set<Class<? extends Primitive>> members() {
            return members;
        }
    }

    /**
     * What to generate.
     *
     * @param primitives     the primitive records that may appear (guards such as tanh before exp
     *                       appear only if their primitive is allowed; otherwise constants stand in)
     * @param maxEquations   at most this many equations (at least one)
     * @param floatType      f32 or f64: the dtype of every float value
     * @param differentiable float inputs and outputs, and input-dependent values only through smooth
     *                       primitives (see the class comment)
     * @param maxRank        the largest rank of any value (convolutions need 3, random keys 2)
     * @param maxDim         dimension sizes are drawn from {@code [1, maxDim]}
     * @param maxInputs      graph inputs at most (further fresh operands become constants)
     * @param maxOutputs     graph outputs at most
     */
    public record Options(Set<Class<? extends Primitive>> primitives, int maxEquations, DType floatType,
                          boolean differentiable, int maxRank, int maxDim, int maxInputs, int maxOutputs) {
        public Options {
            primitives = Set.copyOf(primitives);
            if (primitives.isEmpty()) {
                throw new IllegalArgumentException("no primitives allowed");
            }
            if (!floatType.isFloating()) {
                throw new IllegalArgumentException("floatType must be f32 or f64, got " + floatType);
            }
            if (maxEquations < 1 || maxRank < 0 || maxDim < 1 || maxInputs < 1 || maxOutputs < 1) {
                throw new IllegalArgumentException("maxEquations, maxDim, maxInputs and maxOutputs must be >= 1 and maxRank >= 0");
            }
        }

        /** Every primitive, up to 12 equations, f32, ranks up to 4 with dims up to 4, 4 inputs, 3 outputs. */
        public static Options defaults() {
            return new Options(allPrimitives(), 12, DType.F32, false, 4, 4, 4, 3);
        }

        @SafeVarargs
        public final Options only(Class<? extends Primitive>... kinds) {
            return withPrimitives(Set.of(kinds));
        }

        public Options withFamilies(Family... families) {
            Set<Class<? extends Primitive>> s = new LinkedHashSet<>();
            for (Family f : families) {
                s.addAll(f.members());
            }
            return withPrimitives(s);
        }

        public Options withPrimitives(Set<Class<? extends Primitive>> kinds) {
            return new Options(kinds, maxEquations, floatType, differentiable, maxRank, maxDim, maxInputs, maxOutputs);
        }

        public Options withMaxEquations(int n) {
            return new Options(primitives, n, floatType, differentiable, maxRank, maxDim, maxInputs, maxOutputs);
        }

        public Options withFloatType(DType t) {
            return new Options(primitives, maxEquations, t, differentiable, maxRank, maxDim, maxInputs, maxOutputs);
        }

        /** Programs whose gradients can be checked by finite differences (see the class comment). */
        public Options onlyDifferentiable() {
            return new Options(primitives, maxEquations, floatType, true, maxRank, maxDim, maxInputs, maxOutputs);
        }

        public Options withMaxRank(int r) {
            return new Options(primitives, maxEquations, floatType, differentiable, r, maxDim, maxInputs, maxOutputs);
        }

        public Options withMaxDim(int d) {
            return new Options(primitives, maxEquations, floatType, differentiable, maxRank, d, maxInputs, maxOutputs);
        }

        public Options withMaxInputs(int n) {
            return new Options(primitives, maxEquations, floatType, differentiable, maxRank, maxDim, n, maxOutputs);
        }

        public Options withMaxOutputs(int n) {
            return new Options(primitives, maxEquations, floatType, differentiable, maxRank, maxDim, maxInputs, n);
        }
    }

    /** One generator per primitive record; checked complete against the sealed hierarchy below. */
    private static final Map<Class<? extends Primitive>, Consumer<ProgramBuilder>> GENERATORS = Map.ofEntries(
            Map.entry(Unary.class, ElementwiseGen::unary),
            Map.entry(Binary.class, ElementwiseGen::binary),
            Map.entry(Compare.class, ElementwiseGen::compare),
            Map.entry(Select.class, ElementwiseGen::select),
            Map.entry(Convert.class, ElementwiseGen::convert),
            Map.entry(Iota.class, ShapeGen::iota),
            Map.entry(BroadcastInDim.class, ShapeGen::broadcastInDim),
            Map.entry(Reshape.class, ShapeGen::reshape),
            Map.entry(Transpose.class, ShapeGen::transpose),
            Map.entry(Rev.class, ShapeGen::rev),
            Map.entry(Slice.class, ShapeGen::slice),
            Map.entry(Pad.class, ShapeGen::pad),
            Map.entry(Concatenate.class, ShapeGen::concatenate),
            Map.entry(ReduceSum.class, ShapeGen::reduceSum),
            Map.entry(ReduceMax.class, ShapeGen::reduceMax),
            Map.entry(ArgMax.class, ShapeGen::argmax),
            Map.entry(DotGeneral.class, ContractionGen::dotGeneral),
            Map.entry(ConvGeneralDilated.class, ContractionGen::conv),
            Map.entry(ReduceWindow.class, ContractionGen::reduceWindow),
            Map.entry(SelectAndScatterAdd.class, ContractionGen::selectAndScatterAdd),
            Map.entry(Gather.class, IndexGen::gather),
            Map.entry(ScatterAdd.class, IndexGen::scatterAdd),
            Map.entry(RandomBits.class, IndexGen::randomBits),
            Map.entry(RandomSplit.class, IndexGen::randomSplit));

    static {
        if (!GENERATORS.keySet().equals(allPrimitives())) {
            throw new IllegalStateException("RandomPrograms has no generator for some primitive: "
                    + GENERATORS.keySet() + " vs " + allPrimitives());
        }
    }

    private RandomPrograms() {
    }

    /** Every primitive record of the sealed {@link Primitive} hierarchy. */
    @SuppressWarnings("unchecked")
    public static Set<Class<? extends Primitive>> allPrimitives() {
        Set<Class<? extends Primitive>> s = new LinkedHashSet<>();
        for (Class<?> c : Primitive.class.getPermittedSubclasses()) {
            s.add((Class<? extends Primitive>) c);
        }
        return Set.copyOf(s);
    }

    /** A random well-typed program (see the class comment for what it guarantees). */
    public static Graph generate(Random rnd, Options options) {
        ProgramBuilder b = new ProgramBuilder(rnd, options);
        // Sorted by name: Set iteration order differs between runs, the program must not.
        List<Class<? extends Primitive>> kinds = options.primitives().stream()
                .sorted(Comparator.comparing(Class::getName)).toList();
        b.fresh(ElementwiseGen.randomType(b, options.floatType()), false);
        int target = 1 + rnd.nextInt(options.maxEquations());
        for (int attempt = 0; b.equationCount() < target && attempt < 30 * target; attempt++) {
            ProgramBuilder.Mark mark = b.mark();
            try {
                GENERATORS.get(b.choose(kinds)).accept(b);
                if (b.equationCount() > options.maxEquations()) {
                    b.reset(mark);
                }
            } catch (ProgramBuilder.Reject e) {
                b.reset(mark);
            }
        }
        if (b.equationCount() == 0) {
            throw new IllegalArgumentException("no program fits these options: " + options);
        }
        return b.build(outputs(b));
    }

    /** The last value, then a few random others; floats that depend on inputs in differentiable mode. */
    private static List<Atom> outputs(ProgramBuilder b) {
        List<Var> candidates = b.values().stream()
                .filter(v -> !b.differentiable() || v.dtype().isFloating() && b.dependsOnInput(v)).toList();
        List<Atom> outs = new ArrayList<>();
        outs.add(candidates.getLast());
        int more = b.rnd.nextInt(b.options.maxOutputs());
        for (int i = 0; i < more; i++) {
            outs.add(b.choose(candidates));
        }
        return outs;
    }

    /**
     * Random values for {@code graph}'s inputs: floats uniform in [-1, 1], i32 in [-8, 8], bool fair
     * coins: the ranges the generated programs are safe for.
     */
    public static List<ArrayData> randomInputs(Graph graph, Random rnd) {
        List<ArrayData> xs = new ArrayList<>();
        for (Var v : graph.inputs()) {
            Range r = switch (v.dtype()) {
                case F32, F64 -> ProgramBuilder.FLOAT_INPUT;
                case I32 -> ProgramBuilder.INT_INPUT;
                case BOOL -> Range.BOOL;
            };
            xs.add(ProgramBuilder.randomArray(v.type(), r, rnd));
        }
        return xs;
    }
}
