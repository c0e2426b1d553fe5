package dev.kiln.ir.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Constant;
import dev.kiln.ir.DType;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.ConvGeneralDilated;
import dev.kiln.ir.prim.DotGeneral;
import dev.kiln.ir.prim.Gather;
import dev.kiln.ir.prim.Iota;
import dev.kiln.ir.prim.Pad;
import dev.kiln.ir.prim.Primitive;
import dev.kiln.ir.prim.RandomBits;
import dev.kiln.ir.prim.ReduceWindow;
import dev.kiln.ir.prim.ScatterAdd;
import dev.kiln.ir.prim.Slice;
import dev.kiln.ir.prim.WindowKind;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RandomProgramsTest {

    private static List<Equation> equations(RandomPrograms.Options o, int programs) {
        return java.util.stream.IntStream.range(0, programs)
                .mapToObj(seed -> RandomPrograms.generate(new Random(seed), o))
                .flatMap(g -> g.equations().stream()).toList();
    }

    @Test
    void everyPrimitiveIsReachable() {
        Set<Class<?>> seen = equations(RandomPrograms.Options.defaults(), 300).stream()
                .map(e -> e.primitive().getClass()).collect(Collectors.toSet());
        assertEquals(Set.of(Primitive.class.getPermittedSubclasses()), seen);
        Set<Class<?>> differentiable = equations(RandomPrograms.Options.defaults().onlyDifferentiable(), 500).stream()
                .map(e -> e.primitive().getClass()).collect(Collectors.toSet());
        assertEquals(Set.of(Primitive.class.getPermittedSubclasses()), differentiable);
    }

    /** The parameter variants the transforms' rules must handle all come up. */
    @Test
    void everyParameterVariantIsReachable() {
        List<Equation> eqs = equations(RandomPrograms.Options.defaults().withMaxEquations(20), 1000);
        Map<String, Predicate<Primitive>> variants = new java.util.LinkedHashMap<>();
        variants.put("dot_general with batch dims", p -> p instanceof DotGeneral d && !d.lhsBatch().isEmpty());
        variants.put("dot_general with two contracting dims", p -> p instanceof DotGeneral d && d.lhsContract().size() >= 2);
        variants.put("dot_general as an outer product", p -> p instanceof DotGeneral d && d.lhsContract().isEmpty());
        variants.put("conv with feature groups", p -> p instanceof ConvGeneralDilated c && c.featureGroupCount() > 1);
        variants.put("conv with batch groups", p -> p instanceof ConvGeneralDilated c && c.batchGroupCount() > 1);
        variants.put("conv with lhs dilation", p -> p instanceof ConvGeneralDilated c && c.lhsDilation().stream().anyMatch(x -> x > 1));
        variants.put("conv with rhs dilation", p -> p instanceof ConvGeneralDilated c && c.rhsDilation().stream().anyMatch(x -> x > 1));
        variants.put("conv with strides", p -> p instanceof ConvGeneralDilated c && c.windowStrides().stream().anyMatch(x -> x > 1));
        variants.put("conv with negative padding", p -> p instanceof ConvGeneralDilated c && c.padLow().stream().anyMatch(x -> x < 0));
        variants.put("2-d conv", p -> p instanceof ConvGeneralDilated c && c.spatialRank() == 2);
        variants.put("pad that crops", p -> p instanceof Pad pd && pd.low().stream().anyMatch(x -> x < 0));
        variants.put("pad with interior", p -> p instanceof Pad pd && pd.interior().stream().anyMatch(x -> x > 0));
        variants.put("strided slice", p -> p instanceof Slice s && s.strides().stream().anyMatch(x -> x > 1));
        variants.put("sum pooling", p -> p instanceof ReduceWindow w && w.kind() == WindowKind.SUM);
        variants.put("padded strided max pooling", p -> p instanceof ReduceWindow w && w.kind() == WindowKind.MAX
                && w.padLow().stream().anyMatch(x -> x > 0) && w.strides().stream().anyMatch(x -> x > 1));
        variants.put("batched gather", p -> p instanceof Gather g && g.batchDims() > 0);
        variants.put("batched scatter_add", p -> p instanceof ScatterAdd s && s.batchDims() > 0);
        for (Map.Entry<String, Predicate<Primitive>> v : variants.entrySet()) {
            assertTrue(eqs.stream().anyMatch(e -> v.getValue().test(e.primitive())), v.getKey() + " never generated");
        }
        assertTrue(eqs.stream().anyMatch(e -> e.primitive() instanceof RandomBits && e.input(0).type().rank() == 2),
                "random_bits with a batch of keys never generated");
    }

    /** Gather and scatter indices come from constants, iotas and clamped arithmetic alike. */
    @Test
    void indicesComeFromEverySource() {
        Set<String> sources = new HashSet<>();
        for (int seed = 0; seed < 1000; seed++) {
            Graph g = RandomPrograms.generate(new Random(seed), RandomPrograms.Options.defaults().withMaxEquations(20));
            Map<Var, Equation> def = new IdentityHashMap<>();
            g.equations().forEach(e -> def.put(e.out(), e));
            Set<Var> constants = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            g.constants().stream().map(Constant::var).forEach(constants::add);
            for (Equation e : g.equations()) {
                if (e.primitive() instanceof Gather || e.primitive() instanceof ScatterAdd) {
                    Var idx = (Var) e.input(1);
                    Equation d = def.get(idx);
                    sources.add(constants.contains(idx) ? "constant" : d == null ? "input"
                            : d.primitive() instanceof Iota ? "iota"
                            : d.primitive().equals(new Binary(BinaryOp.MAX)) ? "clamp" : "other");
                }
            }
        }
        assertTrue(sources.containsAll(Set.of("constant", "iota", "clamp")), sources.toString());
        assertTrue(!sources.contains("input"), "raw inputs are never trusted as indices: " + sources);
    }

    @Test
    void maxEquationsIsAHardCap() {
        for (int seed = 0; seed < 200; seed++) {
            Graph g = RandomPrograms.generate(new Random(seed), RandomPrograms.Options.defaults().withMaxEquations(3));
            assertTrue(g.equations().size() <= 3, g.equations().size() + " equations");
        }
    }

    @Test
    void f64ProgramsHaveNoF32Values() {
        for (int seed = 0; seed < 100; seed++) {
            Graph g = RandomPrograms.generate(new Random(seed), RandomPrograms.Options.defaults().withFloatType(DType.F64));
            g.inputs().forEach(v -> assertTrue(v.dtype() != DType.F32, v.toString()));
            g.equations().forEach(e -> assertTrue(e.out().dtype() != DType.F32, e.toString()));
        }
    }

    @Test
    void randomInputsFitTheInputsAndTheSafeRanges() {
        for (int seed = 0; seed < 100; seed++) {
            Graph g = RandomPrograms.generate(new Random(seed), RandomPrograms.Options.defaults());
            List<ArrayData> xs = RandomPrograms.randomInputs(g, new Random(seed));
            assertEquals(g.inputTypes(), xs.stream().map(ArrayData::type).toList());
            for (ArrayData x : xs) {
                double bound = x.dtype() == DType.I32 ? 8 : 1;
                for (double v : x.toDoubleArray()) {
                    assertTrue(Math.abs(v) <= bound, v + " in " + x);
                }
            }
        }
    }

    @Test
    void familiesPartitionThePrimitives() {
        Set<Class<? extends Primitive>> union = new HashSet<>();
        int total = 0;
        for (RandomPrograms.Family f : RandomPrograms.Family.values()) {
            union.addAll(f.members());
            total += f.members().size();
        }
        assertEquals(RandomPrograms.allPrimitives(), union);
        assertEquals(union.size(), total, "a primitive in two families");
    }

    @Test
    void optionsThatAllowNoProgramAreRejected() {
        RandomPrograms.Options convInRank2 = RandomPrograms.Options.defaults().only(ConvGeneralDilated.class).withMaxRank(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RandomPrograms.generate(new Random(1), convInRank2));
        assertTrue(e.getMessage().contains("no program fits these options"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RandomPrograms.Options.defaults().withFloatType(DType.I32));
        assertThrows(IllegalArgumentException.class, () -> RandomPrograms.Options.defaults().withPrimitives(Set.of()));
    }
}
