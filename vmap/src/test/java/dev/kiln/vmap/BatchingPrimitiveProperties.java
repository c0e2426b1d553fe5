package dev.kiln.vmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.Graph;
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
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * vmap(f)(xs) == stack(f(x) for x in xs) for every primitive: random shapes, dtypes and parameters
 * from the oracle table, random batch axes for every input (non-zero ones, last ones, and unbatched
 * inputs mixed with batched ones), random out axes and batch sizes. Layout and elementwise results
 * must match exactly, float arithmetic to about 1e-5 relative.
 */
class BatchingPrimitiveProperties {
    private static final Map<Class<? extends Primitive>, Function<Random, PrimitiveCase>> TABLE = PrimitiveCases.table();

    @Test
    void everyPrimitiveHasAnOracleEntry() {
        for (Class<?> p : Primitive.class.getPermittedSubclasses()) {
            assertTrue(TABLE.containsKey(p), "no oracle entry for " + p.getSimpleName());
        }
    }

    /**
     * Cheap and broad: every rule's output has the per-example type (Batching checks it) for many
     * draws, including an empty batch.
     */
    @Property(tries = 400)
    void batchedGraphsOfEveryPrimitiveTypeCheck(@ForAll long seed) {
        Random r = new Random(seed);
        for (Function<Random, PrimitiveCase> gen : TABLE.values()) {
            Graph g = gen.apply(r).graph();
            int[] inDims = new int[g.inputs().size()];
            for (int i = 0; i < inDims.length; i++) {
                inDims[i] = r.nextInt(3) == 0 ? -1 : r.nextInt(g.inputs().get(i).type().rank() + 1);
            }
            int[] outDims = g.outputs().stream().mapToInt(o -> r.nextInt(o.type().rank() + 1)).toArray();
            int batch = r.nextInt(6);
            Graph batched = Batching.graph(g, inDims, batch, outDims);
            for (int j = 0; j < outDims.length; j++) {
                assertEquals(g.outputTypes().get(j).shape().with(outDims[j], batch), batched.outputTypes().get(j).shape());
            }
        }
    }

    private static void check(Class<? extends Primitive> p, long seed) {
        Random r = new Random(seed);
        VmapOracle.checkRandomAxes(TABLE.get(p).apply(r), r);
    }

    @Property(tries = 200)
    void vmapOfUnaryMatchesLoop(@ForAll long seed) {
        check(Unary.class, seed);
    }

    @Property(tries = 250)
    void vmapOfBinaryMatchesLoop(@ForAll long seed) {
        check(Binary.class, seed);
    }

    @Property(tries = 200)
    void vmapOfCompareMatchesLoop(@ForAll long seed) {
        check(Compare.class, seed);
    }

    @Property(tries = 250)
    void vmapOfSelectMatchesLoop(@ForAll long seed) {
        check(Select.class, seed);
    }

    @Property(tries = 150)
    void vmapOfConvertMatchesLoop(@ForAll long seed) {
        check(Convert.class, seed);
    }

    @Property(tries = 100)
    void vmapOfIotaMatchesLoop(@ForAll long seed) {
        check(Iota.class, seed);
    }

    @Property(tries = 200)
    void vmapOfBroadcastInDimMatchesLoop(@ForAll long seed) {
        check(BroadcastInDim.class, seed);
    }

    @Property(tries = 200)
    void vmapOfReshapeMatchesLoop(@ForAll long seed) {
        check(Reshape.class, seed);
    }

    @Property(tries = 200)
    void vmapOfTransposeMatchesLoop(@ForAll long seed) {
        check(Transpose.class, seed);
    }

    @Property(tries = 150)
    void vmapOfRevMatchesLoop(@ForAll long seed) {
        check(Rev.class, seed);
    }

    @Property(tries = 200)
    void vmapOfSliceMatchesLoop(@ForAll long seed) {
        check(Slice.class, seed);
    }

    @Property(tries = 250)
    void vmapOfPadMatchesLoop(@ForAll long seed) {
        check(Pad.class, seed);
    }

    @Property(tries = 200)
    void vmapOfConcatenateMatchesLoop(@ForAll long seed) {
        check(Concatenate.class, seed);
    }

    @Property(tries = 200)
    void vmapOfReduceSumMatchesLoop(@ForAll long seed) {
        check(ReduceSum.class, seed);
    }

    @Property(tries = 200)
    void vmapOfReduceMaxMatchesLoop(@ForAll long seed) {
        check(ReduceMax.class, seed);
    }

    @Property(tries = 200)
    void vmapOfArgMaxMatchesLoop(@ForAll long seed) {
        check(ArgMax.class, seed);
    }

    @Property(tries = 300)
    void vmapOfDotGeneralMatchesLoop(@ForAll long seed) {
        check(DotGeneral.class, seed);
    }

    @Property(tries = 400)
    void vmapOfConvGeneralDilatedMatchesLoop(@ForAll long seed) {
        check(ConvGeneralDilated.class, seed);
    }

    @Property(tries = 200)
    void vmapOfReduceWindowMatchesLoop(@ForAll long seed) {
        check(ReduceWindow.class, seed);
    }

    @Property(tries = 200)
    void vmapOfSelectAndScatterAddMatchesLoop(@ForAll long seed) {
        check(SelectAndScatterAdd.class, seed);
    }

    @Property(tries = 300)
    void vmapOfGatherMatchesLoop(@ForAll long seed) {
        check(Gather.class, seed);
    }

    @Property(tries = 300)
    void vmapOfScatterAddMatchesLoop(@ForAll long seed) {
        check(ScatterAdd.class, seed);
    }

    @Property(tries = 200)
    void vmapOfRandomBitsMatchesLoop(@ForAll long seed) {
        check(RandomBits.class, seed);
    }

    @Property(tries = 200)
    void vmapOfRandomSplitMatchesLoop(@ForAll long seed) {
        check(RandomSplit.class, seed);
    }
}
