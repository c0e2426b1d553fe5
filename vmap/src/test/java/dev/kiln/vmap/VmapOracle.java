package dev.kiln.vmap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Graph;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.interp.Interpreter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The check every batching test ends in: the batched graph run on whole arrays equals the
 * per-example graph run on each example's slice by the interpreter, stacked along the out axes.
 */
final class VmapOracle {
    private VmapOracle() {
    }

    /** Random in/out axes: each input batched at a random axis (or, one time in three, not at all). */
    static void checkRandomAxes(PrimitiveCase c, Random r) {
        Graph g = c.graph();
        int[] inDims = new int[g.inputs().size()];
        for (int i = 0; i < inDims.length; i++) {
            inDims[i] = r.nextInt(3) == 0 ? -1 : r.nextInt(g.inputs().get(i).type().rank() + 1);
        }
        int[] outDims = new int[g.outputs().size()];
        for (int j = 0; j < outDims.length; j++) {
            outDims[j] = r.nextInt(g.outputs().get(j).type().rank() + 1);
        }
        check(c, inDims, 1 + r.nextInt(4), outDims, r);
    }

    /** Runs the batched graph and the loop on the same random inputs and compares them. */
    static Graph check(PrimitiveCase c, int[] inDims, int batch, int[] outDims, Random r) {
        Graph g = c.graph();
        String what = c + " in_dims=" + Arrays.toString(inDims) + " out_dims=" + Arrays.toString(outDims) + " batch=" + batch;
        List<ArrayData> inputs = new ArrayList<>();
        for (int i = 0; i < inDims.length; i++) {
            TensorType t = g.inputs().get(i).type();
            TensorType bt = inDims[i] < 0 ? t : t.withShape(t.shape().with(inDims[i], batch));
            inputs.add(c.inputs().get(i).fill(bt, r));
        }
        Graph batched = Batching.graph(g, inDims, batch, outDims);
        List<ArrayData> got = Interpreter.run(batched, inputs);
        List<ArrayData> expected = loop(g, inputs, inDims, batch, outDims);
        assertEquals(expected.size(), got.size(), what);
        for (int j = 0; j < got.size(); j++) {
            ArrayOps.assertClose(expected.get(j), got.get(j), c.rtol(), what + " output " + j);
        }
        return batched;
    }

    /** The per-example graph run on every example's slices, outputs stacked at {@code outDims}. */
    static List<ArrayData> loop(Graph g, List<ArrayData> inputs, int[] inDims, int batch, int[] outDims) {
        List<List<ArrayData>> perOutput = new ArrayList<>();
        for (int j = 0; j < outDims.length; j++) {
            perOutput.add(new ArrayList<>());
        }
        for (int b = 0; b < batch; b++) {
            List<ArrayData> slice = new ArrayList<>();
            for (int i = 0; i < inputs.size(); i++) {
                slice.add(inDims[i] < 0 ? inputs.get(i) : ArrayOps.take(inputs.get(i), inDims[i], b));
            }
            List<ArrayData> outs = Interpreter.run(g, slice);
            for (int j = 0; j < outDims.length; j++) {
                perOutput.get(j).add(outs.get(j));
            }
        }
        List<ArrayData> stacked = new ArrayList<>();
        for (int j = 0; j < outDims.length; j++) {
            stacked.add(ArrayOps.stack(perOutput.get(j), outDims[j]));
        }
        return stacked;
    }
}
