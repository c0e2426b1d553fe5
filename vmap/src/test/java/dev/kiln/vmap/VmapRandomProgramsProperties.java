package dev.kiln.vmap;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Graph;
import dev.kiln.ir.gen.RandomPrograms;
import dev.kiln.ir.interp.Interpreter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * vmap of random whole programs (every primitive, chained, with unbatched inputs and constants
 * mixed in) equals the loop over examples. Each example's inputs are drawn by the generator, so
 * they stay in the ranges its programs are safe for; batched inputs are those stacked at random axes.
 */
class VmapRandomProgramsProperties {

    @Property(tries = 300)
    void vmapOfRandomProgramsMatchesLoop(@ForAll long seed) {
        Random r = new Random(seed);
        Graph g = RandomPrograms.generate(r, RandomPrograms.Options.defaults().withMaxRank(3).withMaxDim(3));
        check(g, r, 2e-5);
    }

    @Property(tries = 150)
    void vmapOfRandomF64ProgramsMatchesLoop(@ForAll long seed) {
        Random r = new Random(seed);
        Graph g = RandomPrograms.generate(r, RandomPrograms.Options.defaults().withFloatType(dev.kiln.ir.DType.F64)
                .withMaxEquations(20).withMaxRank(3).withMaxDim(3));
        check(g, r, 1e-10);
    }

    private static void check(Graph g, Random r, double rtol) {
        int batch = 1 + r.nextInt(3);
        int[] inDims = new int[g.inputs().size()];
        for (int i = 0; i < inDims.length; i++) {
            inDims[i] = r.nextInt(4) == 0 ? -1 : r.nextInt(g.inputs().get(i).type().rank() + 1);
        }
        int[] outDims = g.outputs().stream().mapToInt(o -> r.nextInt(o.type().rank() + 1)).toArray();
        List<List<ArrayData>> examples = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
            examples.add(RandomPrograms.randomInputs(g, r));
        }
        List<ArrayData> batchedInputs = new ArrayList<>();
        for (int i = 0; i < inDims.length; i++) {
            List<ArrayData> perExample = new ArrayList<>();
            for (List<ArrayData> ex : examples) {
                perExample.add(ex.get(i));
            }
            batchedInputs.add(inDims[i] < 0 ? perExample.get(0) : ArrayOps.stack(perExample, inDims[i]));
        }
        String what = "in_dims=" + Arrays.toString(inDims) + " out_dims=" + Arrays.toString(outDims) + " batch=" + batch
                + "\n" + g;
        List<ArrayData> got = Interpreter.run(Batching.graph(g, inDims, batch, outDims), batchedInputs);
        List<ArrayData> expected = VmapOracle.loop(g, batchedInputs, inDims, batch, outDims);
        for (int j = 0; j < got.size(); j++) {
            ArrayOps.assertClose(expected.get(j), got.get(j), rtol, what + "\noutput " + j);
        }
    }
}
