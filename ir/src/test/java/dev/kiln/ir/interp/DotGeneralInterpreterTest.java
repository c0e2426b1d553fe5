package dev.kiln.ir.interp;

import static dev.kiln.ir.interp.TestData.assertExact;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.Ints;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.DotGeneral;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DotGeneralInterpreterTest {

    /** A random dot_general: each operand dimension is a batch, contracting or free dimension, in random order. */
    private record Case(int[] lhsShape, int[] rhsShape, DotGeneral dot) {
    }

    private static Case randomCase(Random rnd) {
        int nb = rnd.nextInt(3), nc = rnd.nextInt(3), lf = rnd.nextInt(3), rf = rnd.nextInt(3);
        int[] batch = TestData.randomShape(rnd, nb, 3), contract = TestData.randomShape(rnd, nc, 4);
        int[] lhsFree = TestData.randomShape(rnd, lf, 4), rhsFree = TestData.randomShape(rnd, rf, 4);
        // Role codes: 0..nb-1 batch, 100+j contract j, 200+j free j.
        List<Integer> lhsRoles = roles(nb, nc, lf, rnd), rhsRoles = roles(nb, nc, rf, rnd);
        int[] ls = sizes(lhsRoles, batch, contract, lhsFree), rs = sizes(rhsRoles, batch, contract, rhsFree);
        int[] lb = new int[nb], rb = new int[nb], lc = new int[nc], rc = new int[nc];
        for (int i = 0; i < nb; i++) {
            lb[i] = lhsRoles.indexOf(i);
            rb[i] = rhsRoles.indexOf(i);
        }
        for (int j = 0; j < nc; j++) {
            lc[j] = lhsRoles.indexOf(100 + j);
            rc[j] = rhsRoles.indexOf(100 + j);
        }
        return new Case(ls, rs, new DotGeneral(Ints.of(lc), Ints.of(rc), Ints.of(lb), Ints.of(rb)));
    }

    private static List<Integer> roles(int nb, int nc, int nf, Random rnd) {
        List<Integer> r = new ArrayList<>();
        for (int i = 0; i < nb; i++) {
            r.add(i);
        }
        for (int j = 0; j < nc; j++) {
            r.add(100 + j);
        }
        for (int j = 0; j < nf; j++) {
            r.add(200 + j);
        }
        Collections.shuffle(r, rnd);
        return r;
    }

    private static int[] sizes(List<Integer> roles, int[] batch, int[] contract, int[] free) {
        return roles.stream().mapToInt(r -> r < 100 ? batch[r] : r < 200 ? contract[r - 100] : free[r - 200]).toArray();
    }

    /**
     * out[batch, lhsFree, rhsFree] = sum over contracting coordinates of lhs * rhs, the operand
     * coordinates assembled dimension by dimension from the primitive's lists.
     */
    private static ArrayData naiveDot(DotGeneral d, ArrayData lhs, ArrayData rhs, int[] outShape) {
        int[] ls = lhs.shape().toArray(), rs = rhs.shape().toArray();
        int nc = d.lhsContract().size(), nb = d.lhsBatch().size();
        int[] csize = new int[nc];
        for (int j = 0; j < nc; j++) {
            csize[j] = ls[d.lhsContract().get(j)];
        }
        int contractCount = TensorType.of(DType.F64, csize).numel();
        return TestData.fromFunction(lhs.dtype(), outShape, out -> {
            double sum = 0;
            long isum = 0;
            for (int cf = 0; cf < contractCount; cf++) {
                int[] cidx = TestData.unflat(cf, csize);
                int[] li = new int[ls.length], ri = new int[rs.length];
                int k = 0;
                for (int i = 0; i < nb; i++, k++) {
                    li[d.lhsBatch().get(i)] = out[k];
                    ri[d.rhsBatch().get(i)] = out[k];
                }
                for (int dim = 0; dim < ls.length; dim++) {
                    if (!d.lhsBatch().contains(dim) && !d.lhsContract().contains(dim)) {
                        li[dim] = out[k++];
                    }
                }
                for (int dim = 0; dim < rs.length; dim++) {
                    if (!d.rhsBatch().contains(dim) && !d.rhsContract().contains(dim)) {
                        ri[dim] = out[k++];
                    }
                }
                for (int j = 0; j < nc; j++) {
                    li[d.lhsContract().get(j)] = cidx[j];
                    ri[d.rhsContract().get(j)] = cidx[j];
                }
                double a = TestData.at(lhs, li), b = TestData.at(rhs, ri);
                sum += a * b;
                isum += (long) a * (long) b;
            }
            return lhs.dtype() == DType.I32 ? (int) isum : sum;
        });
    }

    @Test
    void dotGeneralMatchesNaiveForRandomBatchAndContractingDims() {
        Random rnd = new Random(30);
        for (int c = 0; c < 150; c++) {
            DType dt = new DType[] {DType.F32, DType.F64, DType.I32}[c % 3];
            Case k = randomCase(rnd);
            ArrayData lhs = TestData.random(rnd, dt, k.lhsShape()), rhs = TestData.random(rnd, dt, k.rhsShape());
            ArrayData actual = TestData.run(k.dot(), lhs, rhs);
            ArrayData expected = naiveDot(k.dot(), lhs, rhs, actual.shape().toArray());
            TestData.assertClose(expected, actual, "dot_general " + k.dot() + " of " + lhs.type() + " x " + rhs.type());
        }
    }

    @Test
    void plainMatmulOfKnownValues() {
        ArrayData a = ArrayData.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        ArrayData b = ArrayData.of(new float[] {7, 8, 9, 10, 11, 12}, 3, 2);
        assertExact(ArrayData.of(new float[] {58, 64, 139, 154}, 2, 2), TestData.run(DotGeneral.matmul(), a, b), "matmul");
    }

    @Test
    void batchDimsComeFirstInLhsBatchOrder() {
        // lhs [k=2, b1=3, b0=2], rhs [b0=2, b1=3, k=2]: batch pairs (2,0) and (1,1), so the result is [2,3].
        Random rnd = new Random(31);
        ArrayData lhs = TestData.random(rnd, DType.F64, 2, 3, 2), rhs = TestData.random(rnd, DType.F64, 2, 3, 2);
        DotGeneral d = new DotGeneral(Ints.of(0), Ints.of(2), Ints.of(2, 1), Ints.of(0, 1));
        ArrayData expected = TestData.fromFunction(DType.F64, new int[] {2, 3}, o -> {
            double s = 0;
            for (int k = 0; k < 2; k++) {
                s += TestData.at(lhs, k, o[1], o[0]) * TestData.at(rhs, o[0], o[1], k);
            }
            return s;
        });
        TestData.assertClose(expected, TestData.run(d, lhs, rhs), "batched dot");
    }

    @Test
    void emptyContractionGivesZerosAndIntegerProductsWrap() {
        ArrayData a = ArrayData.zeros(TensorType.of(DType.F32, 2, 0)), b = ArrayData.zeros(TensorType.of(DType.F32, 0, 3));
        assertExact(ArrayData.zeros(TensorType.of(DType.F32, 2, 3)), TestData.run(DotGeneral.matmul(), a, b), "empty k");
        ArrayData big = ArrayData.of(new int[] {65536, 3}, 1, 2);
        ArrayData col = ArrayData.of(new int[] {65536, 1}, 2, 1);
        assertExact(ArrayData.of(new int[] {3}, 1, 1), TestData.run(DotGeneral.matmul(), big, col), "i32 wrap");
    }
}
