package dev.kiln.codegen.jvm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
import dev.kiln.ir.gen.RandomPrograms;
import dev.kiln.ir.opt.Optimizer;
import dev.kiln.ir.Shape;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.Iota;
import dev.kiln.ir.prim.Primitive;
import dev.kiln.ir.prim.RandomBits;
import dev.kiln.ir.prim.RandomSplit;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every primitive compiles on the JVM backend (loop path or library path) and matches the
 * interpreter: for each one, random programs made of it alone, in f32 and f64, fused and
 * unfused. Adding a primitive adds a case here automatically.
 */
class EveryPrimitiveTest {

    @TestFactory
    Stream<DynamicTest> everyPrimitiveMatchesTheInterpreter() {
        return RandomPrograms.allPrimitives().stream().sorted(Comparator.comparing(Class::getSimpleName))
                .flatMap(p -> Stream.of(DType.F32, DType.F64).map(dt -> DynamicTest.dynamicTest(
                        p.getSimpleName() + " " + dt, () -> check(p, dt))));
    }

    private static void check(Class<? extends Primitive> p, DType floatType) {
        int compiled = 0;
        for (long seed = 0; seed < 12; seed++) {
            Graph g;
            try {
                g = RandomPrograms.generate(new Random(seed), RandomPrograms.Options.defaults().only(p)
                        .withFloatType(floatType).withMaxEquations(4).withMaxDim(6));
            } catch (IllegalArgumentException noProgram) {
                continue;
            }
            if (Optimizer.optimize(g).equations().stream().anyMatch(e -> p.isInstance(e.primitive()))) {
                compiled++;
            }
            List<ArrayData> in = RandomPrograms.randomInputs(g, new Random(seed + 100));
            JvmCrossCheck.check(g, in, p.getSimpleName() + " seed " + seed);
        }
        if (compiled == 0) {
            // Programs of key-only or shape-only primitives fold to constants; keep these ones live.
            Graph g = unfoldable(p);
            assertTrue(g != null, "no program of " + p.getSimpleName() + " survived optimisation");
            assertTrue(Optimizer.optimize(g).equations().stream().anyMatch(e -> p.isInstance(e.primitive())));
            JvmCrossCheck.check(g, RandomPrograms.randomInputs(g, new Random(5)), p.getSimpleName() + " (hand-written)");
        }
    }

    private static Graph unfoldable(Class<? extends Primitive> p) {
        G g = new G();
        if (p == Iota.class) {
            Var x = g.in(DType.I32, 40, 30);
            return g.build(g.add(x, g.eq(new Iota(DType.I32, Shape.of(40, 30), 1))),
                    g.eq(new Iota(DType.F32, Shape.of(50, 50), 0)));
        }
        if (p == RandomBits.class) {
            Var key = g.in(DType.I32, 3, 2);
            return g.build(g.eq(new RandomBits(Shape.of(5, 7)), key));
        }
        if (p == RandomSplit.class) {
            Var key = g.in(DType.I32, 2);
            return g.build(g.eq(new RandomSplit(4), key));
        }
        return null;
    }
}
