package dev.kiln.autodiff;

import static dev.kiln.autodiff.GradCheck.checkPrimitive;
import static dev.kiln.autodiff.GradCheck.dims;
import static dev.kiln.autodiff.GradCheck.normal;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Shape;
import dev.kiln.ir.prim.BroadcastInDim;
import dev.kiln.ir.prim.Concatenate;
import dev.kiln.ir.prim.Pad;
import dev.kiln.ir.prim.Reshape;
import dev.kiln.ir.prim.Rev;
import dev.kiln.ir.prim.Slice;
import dev.kiln.ir.prim.Transpose;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** VJPs of the layout primitives in f64 against finite differences, on random shapes and parameters. */
class LayoutVjpProperties {

    @Property(tries = 40)
    void broadcastInDimWithNewAndSizeOneDimsSumsBack(@ForAll long seed) {
        Random r = new Random(seed);
        int outRank = 1 + r.nextInt(4);
        int[] out = dims(r, outRank, 1, 4);
        List<Integer> kept = new ArrayList<>();
        for (int d = 0; d < outRank; d++) {
            if (r.nextBoolean()) {
                kept.add(d);
            }
        }
        int[] operand = new int[kept.size()];
        for (int i = 0; i < operand.length; i++) {
            operand[i] = r.nextInt(3) == 0 ? 1 : out[kept.get(i)];
        }
        var p = new BroadcastInDim(Shape.of(out), Ints.of(kept.stream().mapToInt(Integer::intValue).toArray()));
        checkPrimitive(p, List.of(normal(r, operand)), new boolean[] {true}, r);
    }

    @Property(tries = 20)
    void reshapeVjpReshapesBack(@ForAll long seed) {
        Random r = new Random(seed);
        int[] in = dims(r, 1 + r.nextInt(3), 1, 4);
        int n = Shape.of(in).numel();
        int[] out = n % 2 == 0 ? new int[] {2, n / 2} : new int[] {n};
        checkPrimitive(new Reshape(Shape.of(out)), List.of(normal(r, in)), new boolean[] {true}, r);
    }

    @Property(tries = 30)
    void transposeVjpAppliesTheInversePermutation(@ForAll long seed) {
        Random r = new Random(seed);
        int rank = 1 + r.nextInt(4);
        checkPrimitive(new Transpose(Ints.of(permutation(r, rank))), List.of(normal(r, dims(r, rank, 1, 4))),
                new boolean[] {true}, r);
    }

    @Property(tries = 20)
    void revVjpReversesBack(@ForAll long seed) {
        Random r = new Random(seed);
        int rank = 1 + r.nextInt(3);
        int[] axes = IntStream.range(0, rank).filter(i -> r.nextBoolean()).toArray();
        checkPrimitive(new Rev(Ints.of(axes)), List.of(normal(r, dims(r, rank, 1, 4))), new boolean[] {true}, r);
    }

    @Property(tries = 40)
    void stridedSliceVjpPadsWithInteriorZeros(@ForAll long seed) {
        Random r = new Random(seed);
        int[] in = dims(r, 1 + r.nextInt(3), 1, 7);
        int rank = in.length;
        int[] start = new int[rank], limit = new int[rank], strides = new int[rank];
        for (int i = 0; i < rank; i++) {
            start[i] = r.nextInt(in[i] + 1);
            limit[i] = start[i] + r.nextInt(in[i] - start[i] + 1);
            strides[i] = 1 + r.nextInt(3);
        }
        checkPrimitive(new Slice(Ints.of(start), Ints.of(limit), Ints.of(strides)), List.of(normal(r, in)),
                new boolean[] {true}, r);
    }

    @Property(tries = 50)
    void padWithNegativeAndInteriorPaddingVjpMatches(@ForAll long seed) {
        Random r = new Random(seed);
        int[] in = dims(r, 1 + r.nextInt(3), 1, 5);
        int rank = in.length;
        int[] low = new int[rank], high = new int[rank], interior = new int[rank];
        for (int i = 0; i < rank; i++) {
            interior[i] = r.nextInt(3);
            int size = in[i] + (in[i] - 1) * interior[i];
            low[i] = r.nextInt(5) - 2;
            high[i] = r.nextInt(5) - 2;
            while (low[i] + high[i] + size < 0) {
                high[i]++;
            }
        }
        var p = new Pad(Ints.of(low), Ints.of(high), Ints.of(interior));
        // The padding value is differentiable too: it receives the cotangent of every padded position.
        checkPrimitive(p, List.of(normal(r, in), normal(r)), new boolean[] {true, r.nextBoolean()}, r);
    }

    @Property(tries = 30)
    void concatenateVjpSlicesTheCotangent(@ForAll long seed) {
        Random r = new Random(seed);
        int[] base = dims(r, 1 + r.nextInt(3), 1, 4);
        int axis = r.nextInt(base.length);
        int parts = 1 + r.nextInt(3);
        List<ArrayData> operands = new ArrayList<>();
        boolean[] wrt = new boolean[parts];
        for (int i = 0; i < parts; i++) {
            int[] d = base.clone();
            d[axis] = 1 + r.nextInt(3);
            operands.add(normal(r, d));
            wrt[i] = r.nextInt(3) > 0;
        }
        checkPrimitive(new Concatenate(axis), operands, wrt, r);
    }

    static int[] permutation(Random r, int n) {
        List<Integer> p = new ArrayList<>(IntStream.range(0, n).boxed().toList());
        Collections.shuffle(p, r);
        return p.stream().mapToInt(Integer::intValue).toArray();
    }
}
