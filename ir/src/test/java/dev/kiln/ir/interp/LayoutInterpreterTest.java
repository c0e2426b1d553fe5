package dev.kiln.ir.interp;

import static dev.kiln.ir.interp.TestData.assertExact;
import static dev.kiln.ir.interp.TestData.at;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Shape;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.BroadcastInDim;
import dev.kiln.ir.prim.Concatenate;
import dev.kiln.ir.prim.Iota;
import dev.kiln.ir.prim.Pad;
import dev.kiln.ir.prim.Reshape;
import dev.kiln.ir.prim.Rev;
import dev.kiln.ir.prim.Slice;
import dev.kiln.ir.prim.Transpose;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Data-movement primitives against naive coordinate-by-coordinate definitions, on every dtype. */
class LayoutInterpreterTest {
    private static final int CASES = 40;

    @Test
    void iotaCountsAlongItsDimension() {
        Random rnd = new Random(10);
        for (DType dt : List.of(DType.F32, DType.F64, DType.I32)) {
            for (int c = 0; c < 10; c++) {
                int[] shape = TestData.randomShape(rnd, 1 + rnd.nextInt(3), 5);
                int dim = rnd.nextInt(shape.length);
                ArrayData expected = TestData.fromFunction(dt, shape, i -> i[dim]);
                assertExact(expected, TestData.run(new Iota(dt, Shape.of(shape), dim)), "iota " + dt);
            }
        }
    }

    @Test
    void broadcastInDimMatchesNaive() {
        Random rnd = new Random(11);
        for (int c = 0; c < CASES; c++) {
            DType dt = DType.values()[c % 4];
            int[] out = TestData.randomShape(rnd, rnd.nextInt(5), 4);
            List<Integer> dims = new ArrayList<>();
            for (int d = 0; d < out.length; d++) {
                if (rnd.nextBoolean()) {
                    dims.add(d);
                }
            }
            int[] bd = dims.stream().mapToInt(Integer::intValue).toArray();
            int[] in = new int[bd.length];
            for (int i = 0; i < bd.length; i++) {
                in[i] = rnd.nextInt(3) == 0 ? 1 : out[bd[i]];
            }
            ArrayData x = TestData.random(rnd, dt, in);
            ArrayData expected = TestData.fromFunction(dt, out, idx -> {
                int[] src = new int[in.length];
                for (int i = 0; i < in.length; i++) {
                    src[i] = in[i] == 1 ? 0 : idx[bd[i]];
                }
                return at(x, src);
            });
            assertExact(expected, TestData.run(new BroadcastInDim(Shape.of(out), Ints.of(bd)), x), "broadcast " + x.type());
        }
    }

    @Test
    void broadcastOfAScalarFillsTheShape() {
        ArrayData y = TestData.run(new BroadcastInDim(Shape.of(2, 3), Ints.empty()), ArrayData.scalar(7, DType.I32));
        assertExact(ArrayData.of(new int[] {7, 7, 7, 7, 7, 7}, 2, 3), y, "broadcast scalar");
    }

    @Test
    void reshapeKeepsRowMajorOrder() {
        ArrayData x = TestData.random(new Random(12), DType.F64, 2, 3, 4);
        ArrayData y = TestData.run(new Reshape(Shape.of(4, 6)), x);
        assertExact(ArrayData.of(x.doubleStorage().clone(), 4, 6), y, "reshape");
        ArrayData s = TestData.run(new Reshape(Shape.scalar()), ArrayData.of(new float[] {5}, 1, 1));
        assertExact(ArrayData.scalar(5, DType.F32), s, "reshape to scalar");
    }

    @Test
    void transposeMatchesNaive() {
        Random rnd = new Random(13);
        for (int c = 0; c < CASES; c++) {
            DType dt = DType.values()[c % 4];
            int rank = rnd.nextInt(5);
            int[] in = TestData.randomShape(rnd, rank, 4);
            List<Integer> p = new ArrayList<>();
            for (int d = 0; d < rank; d++) {
                p.add(d);
            }
            Collections.shuffle(p, rnd);
            int[] perm = p.stream().mapToInt(Integer::intValue).toArray();
            int[] out = new int[rank];
            for (int i = 0; i < rank; i++) {
                out[i] = in[perm[i]];
            }
            ArrayData x = TestData.random(rnd, dt, in);
            ArrayData expected = TestData.fromFunction(dt, out, idx -> {
                int[] src = new int[rank];
                for (int i = 0; i < rank; i++) {
                    src[perm[i]] = idx[i];
                }
                return at(x, src);
            });
            assertExact(expected, TestData.run(new Transpose(Ints.of(perm)), x), "transpose " + p);
        }
    }

    @Test
    void revMatchesNaive() {
        Random rnd = new Random(14);
        for (int c = 0; c < CASES; c++) {
            DType dt = DType.values()[c % 4];
            int[] shape = TestData.randomShape(rnd, rnd.nextInt(4), 4);
            boolean[] flip = new boolean[shape.length];
            List<Integer> dims = new ArrayList<>();
            for (int d = 0; d < shape.length; d++) {
                flip[d] = rnd.nextBoolean();
                if (flip[d]) {
                    dims.add(d);
                }
            }
            ArrayData x = TestData.random(rnd, dt, shape);
            ArrayData expected = TestData.fromFunction(dt, shape, idx -> {
                int[] src = idx.clone();
                for (int d = 0; d < shape.length; d++) {
                    if (flip[d]) {
                        src[d] = shape[d] - 1 - idx[d];
                    }
                }
                return at(x, src);
            });
            Ints revDims = Ints.of(dims.stream().mapToInt(Integer::intValue).toArray());
            assertExact(expected, TestData.run(new Rev(revDims), x), "rev " + revDims);
        }
    }

    @Test
    void stridedSliceMatchesNaive() {
        Random rnd = new Random(15);
        for (int c = 0; c < CASES; c++) {
            DType dt = DType.values()[c % 4];
            int[] shape = TestData.randomShape(rnd, 1 + rnd.nextInt(3), 7);
            int r = shape.length;
            int[] start = new int[r], limit = new int[r], stride = new int[r], out = new int[r];
            for (int d = 0; d < r; d++) {
                start[d] = rnd.nextInt(shape[d] + 1);
                limit[d] = start[d] + rnd.nextInt(shape[d] - start[d] + 1);
                stride[d] = 1 + rnd.nextInt(3);
                out[d] = (limit[d] - start[d] + stride[d] - 1) / stride[d];
            }
            ArrayData x = TestData.random(rnd, dt, shape);
            ArrayData expected = TestData.fromFunction(dt, out, idx -> {
                int[] src = new int[r];
                for (int d = 0; d < r; d++) {
                    src[d] = start[d] + idx[d] * stride[d];
                }
                return at(x, src);
            });
            ArrayData y = TestData.run(new Slice(Ints.of(start), Ints.of(limit), Ints.of(stride)), x);
            assertExact(expected, y, "slice");
        }
    }

    /** Places each operand element at its padded position, dropping the ones cropped away. */
    private static ArrayData naivePad(ArrayData x, double value, int[] lo, int[] hi, int[] interior) {
        int[] in = x.shape().toArray();
        int r = in.length;
        int[] out = new int[r];
        for (int d = 0; d < r; d++) {
            out[d] = lo[d] + hi[d] + in[d] + Math.max(in[d] - 1, 0) * interior[d];
        }
        ArrayData y = ArrayData.full(TensorType.of(x.dtype(), out), value);
        for (int f = 0; f < x.size(); f++) {
            int[] src = TestData.unflat(f, in);
            int[] dst = new int[r];
            boolean inside = true;
            for (int d = 0; d < r; d++) {
                dst[d] = lo[d] + src[d] * (interior[d] + 1);
                inside &= dst[d] >= 0 && dst[d] < out[d];
            }
            if (inside) {
                y.setDouble(TestData.flat(dst, out), x.getDouble(f));
            }
        }
        return y;
    }

    @Test
    void padWithNegativeAndInteriorPaddingMatchesNaive() {
        Random rnd = new Random(16);
        int done = 0;
        while (done < CASES) {
            DType dt = DType.values()[done % 4];
            int[] shape = TestData.randomShape(rnd, 1 + rnd.nextInt(3), 5);
            if (rnd.nextInt(5) == 0) {
                shape[0] = 0;
            }
            int r = shape.length;
            int[] lo = new int[r], hi = new int[r], interior = new int[r];
            boolean fits = true;
            for (int d = 0; d < r; d++) {
                lo[d] = rnd.nextInt(6) - 2;
                hi[d] = rnd.nextInt(6) - 2;
                interior[d] = rnd.nextInt(3);
                fits &= lo[d] + hi[d] + shape[d] + Math.max(shape[d] - 1, 0) * interior[d] >= 0;
            }
            if (!fits) {
                continue;
            }
            ArrayData x = TestData.random(rnd, dt, shape);
            ArrayData value = TestData.random(rnd, dt);
            ArrayData expected = naivePad(x, value.getDouble(0), lo, hi, interior);
            ArrayData y = TestData.run(new Pad(Ints.of(lo), Ints.of(hi), Ints.of(interior)), x, value);
            assertExact(expected, y, "pad " + x.type() + " lo " + Ints.of(lo) + " hi " + Ints.of(hi) + " interior " + Ints.of(interior));
            done++;
        }
    }

    @Test
    void padCropsWithNegativeLowAndHigh() {
        ArrayData x = ArrayData.of(new float[] {1, 2, 3, 4, 5}, 5);
        ArrayData y = TestData.run(new Pad(Ints.of(-1), Ints.of(-2), Ints.of(1)), x, ArrayData.scalar(0, DType.F32));
        // interior-padded: 1 0 2 0 3 0 4 0 5; crop one at the front and two at the back
        assertExact(ArrayData.of(new float[] {0, 2, 0, 3, 0, 4}, 6), y, "pad crop");
    }

    @Test
    void concatenateMatchesNaive() {
        Random rnd = new Random(17);
        for (int c = 0; c < CASES; c++) {
            DType dt = DType.values()[c % 4];
            int[] base = TestData.randomShape(rnd, 1 + rnd.nextInt(3), 4);
            int dim = rnd.nextInt(base.length);
            int count = 1 + rnd.nextInt(3);
            List<ArrayData> xs = new ArrayList<>();
            int[] starts = new int[count + 1];
            for (int k = 0; k < count; k++) {
                int[] s = base.clone();
                s[dim] = rnd.nextInt(4);
                xs.add(TestData.random(rnd, dt, s));
                starts[k + 1] = starts[k] + s[dim];
            }
            int[] out = base.clone();
            out[dim] = starts[count];
            ArrayData expected = TestData.fromFunction(dt, out, idx -> {
                int k = 0;
                while (idx[dim] >= starts[k + 1]) {
                    k++;
                }
                int[] src = idx.clone();
                src[dim] -= starts[k];
                return at(xs.get(k), src);
            });
            ArrayData y = TestData.run(new Concatenate(dim), xs.toArray(new ArrayData[0]));
            assertExact(expected, y, "concatenate along " + dim);
        }
    }

    @Test
    void layoutOfEmptyArrays() {
        ArrayData e = ArrayData.zeros(TensorType.of(DType.F32, 3, 0));
        assertEquals(TensorType.of(DType.F32, 0, 3), TestData.run(new Transpose(Ints.of(1, 0)), e).type());
        assertEquals(TensorType.of(DType.F32, 3, 0, 2),
                TestData.run(new BroadcastInDim(Shape.of(3, 0, 2), Ints.of(0, 1)), e).type());
        ArrayData padded = TestData.run(new Pad(Ints.of(0, 1), Ints.of(0, 1), Ints.of(0, 0)), e, ArrayData.scalar(2, DType.F32));
        assertExact(ArrayData.of(new float[] {2, 2, 2, 2, 2, 2}, 3, 2), padded, "pad of empty");
    }
}
