package dev.kiln.ir.gen;

import dev.kiln.ir.DType;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Shape;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.ConvGeneralDilated;
import dev.kiln.ir.prim.DotGeneral;
import dev.kiln.ir.prim.ReduceWindow;
import dev.kiln.ir.prim.SelectAndScatterAdd;
import dev.kiln.ir.prim.ShapeRules;
import dev.kiln.ir.prim.WindowKind;
import java.util.ArrayList;
import java.util.List;

/** Random dot_general (with batch dims), convolutions (strides, padding, dilations, groups) and windows. */
final class ContractionGen {
    private ContractionGen() {
    }

    /**
     * Takes an lhs, gives each of its dims a role (batch, contracting or free), and builds an rhs
     * with matching batch and contracting dims in a random order plus its own free dims.
     */
    static void dotGeneral(ProgramBuilder b) {
        int maxRank = b.options.maxRank();
        DType dt = b.numericType();
        Var lhs = b.operand(v -> v.dtype() == dt && v.type().rank() >= 1,
                new TensorType(dt, b.shape(b.rank(1, maxRank))), false);
        List<Integer> batch = new ArrayList<>();
        List<Integer> contract = new ArrayList<>();
        int free = 0;
        for (int i : ShapeGen.permutation(b, lhs.type().rank()).toArray()) {
            switch (b.rnd.nextInt(3)) {
                case 0 -> batch.add(i);
                case 1 -> contract.add(i);
                default -> free++;
            }
        }
        int rhsFree = b.rank(0, Math.min(maxRank - batch.size() - contract.size(), maxRank - batch.size() - free));
        int rhsRank = batch.size() + contract.size() + rhsFree;
        int[] rhsAxes = ShapeGen.permutation(b, rhsRank).toArray();
        int[] rhsDims = new int[rhsRank];
        int[] rhsBatch = new int[batch.size()];
        int[] rhsContract = new int[contract.size()];
        int k = 0;
        for (int i = 0; i < batch.size(); i++, k++) {
            rhsBatch[i] = rhsAxes[k];
            rhsDims[rhsAxes[k]] = lhs.type().dim(batch.get(i));
        }
        for (int i = 0; i < contract.size(); i++, k++) {
            rhsContract[i] = rhsAxes[k];
            rhsDims[rhsAxes[k]] = lhs.type().dim(contract.get(i));
        }
        for (; k < rhsRank; k++) {
            rhsDims[rhsAxes[k]] = b.dim();
        }
        Var rhs = b.operandOfType(new TensorType(dt, Shape.of(rhsDims)), false);
        DotGeneral d = new DotGeneral(ints(contract), Ints.of(rhsContract), ints(batch), Ints.of(rhsBatch));
        b.emit(d, lhs, rhs);
    }

    /** lhs {@code [N, C, spatial...]}, rhs {@code [O, C/G, k...]}, with feature or batch groups. */
    static void conv(ProgramBuilder b) {
        int n = b.rank(1, Math.min(2, b.options.maxRank() - 2));
        if (n < 1 || b.options.maxRank() < 3) {
            throw new ProgramBuilder.Reject("convolutions need maxRank >= 3");
        }
        DType dt = b.floatType();
        Var lhs = b.operand(v -> v.dtype() == dt && v.type().rank() == n + 2,
                new TensorType(dt, b.shape(n + 2)), false);
        int batch = lhs.type().dim(0);
        int features = lhs.type().dim(1);
        int groups = 1;
        int batchGroups = 1;
        switch (b.rnd.nextInt(3)) {
            case 0 -> groups = b.choose(divisors(features));
            case 1 -> batchGroups = b.choose(divisors(batch));
            default -> { }
        }
        int outFeatures = groups * batchGroups * (1 + b.rnd.nextInt(2));
        int[] kernel = new int[n];
        int[] strides = new int[n];
        int[] lo = new int[n];
        int[] hi = new int[n];
        int[] lhsDil = new int[n];
        int[] rhsDil = new int[n];
        for (int i = 0; i < n; i++) {
            strides[i] = 1 + b.rnd.nextInt(2);
            lhsDil[i] = b.rnd.nextInt(4) == 0 ? 2 : 1;
            rhsDil[i] = b.rnd.nextInt(4) == 0 ? 2 : 1;
            kernel[i] = 1 + b.rnd.nextInt(3);
            lo[i] = b.rnd.nextInt(4) - 1;
            hi[i] = b.rnd.nextInt(4) - 1;
            int size = lhs.type().dim(i + 2);
            if ((size - 1) * lhsDil[i] + 1 + lo[i] + hi[i] < (kernel[i] - 1) * rhsDil[i] + 1) {
                kernel[i] = 1;
                lo[i] = Math.max(lo[i], 0);
                hi[i] = Math.max(hi[i], 0);
            }
        }
        int[] rhsDims = new int[n + 2];
        rhsDims[0] = outFeatures;
        rhsDims[1] = features / groups;
        System.arraycopy(kernel, 0, rhsDims, 2, n);
        Var rhs = b.operandOfType(new TensorType(dt, Shape.of(rhsDims)), false);
        b.emit(new ConvGeneralDilated(Ints.of(strides), Ints.of(lo), Ints.of(hi), Ints.of(lhsDil), Ints.of(rhsDil),
                groups, batchGroups), lhs, rhs);
    }

    static void reduceWindow(ProgramBuilder b) {
        Var x = windowOperand(b);
        Window w = window(b, x.type());
        b.emit(new ReduceWindow(b.choose(WindowKind.values()), w.dims, w.strides, w.lo, w.hi), x);
    }

    static void selectAndScatterAdd(ProgramBuilder b) {
        Var operand = windowOperand(b);
        Window w = window(b, operand.type());
        // The source has the pooled shape: the reduce_window of the same window.
        TensorType pooled = ShapeRules.infer(
                new ReduceWindow(WindowKind.MAX, w.dims, w.strides, w.lo, w.hi), List.of(operand.type()));
        Var source = b.operandOfType(pooled, false);
        b.emit(new SelectAndScatterAdd(w.dims, w.strides, w.lo, w.hi), source, operand);
    }

    private record Window(Ints dims, Ints strides, Ints lo, Ints hi) {
    }

    /**
     * Windows of 1 to 3, strides 1 or 2, padding below the window size: every window then holds a
     * real element, so max pooling never returns its -inf padding.
     */
    private static Window window(ProgramBuilder b, TensorType x) {
        int r = x.rank();
        int[] dims = new int[r];
        int[] strides = new int[r];
        int[] lo = new int[r];
        int[] hi = new int[r];
        for (int i = 0; i < r; i++) {
            dims[i] = b.rnd.nextInt(3) == 0 ? 1 : 1 + b.rnd.nextInt(Math.min(3, x.dim(i)));
            strides[i] = 1 + b.rnd.nextInt(2);
            lo[i] = b.rnd.nextInt(dims[i]);
            hi[i] = b.rnd.nextInt(dims[i]);
        }
        return new Window(Ints.of(dims), Ints.of(strides), Ints.of(lo), Ints.of(hi));
    }

    private static Var windowOperand(ProgramBuilder b) {
        DType dt = b.numericType();
        return b.operand(v -> v.dtype() == dt && v.type().rank() >= 1,
                new TensorType(dt, b.shape(b.rank(1, b.options.maxRank()))), false);
    }

    private static List<Integer> divisors(int n) {
        List<Integer> ds = new ArrayList<>();
        for (int d = 1; d <= n; d++) {
            if (n % d == 0) {
                ds.add(d);
            }
        }
        return ds;
    }

    private static Ints ints(List<Integer> xs) {
        return Ints.of(xs.stream().mapToInt(Integer::intValue).toArray());
    }
}
