package dev.kiln.ir.device;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Atom;
import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
import dev.kiln.ir.GraphBuilder;
import dev.kiln.ir.Ints;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.ArgMax;
import dev.kiln.ir.prim.ConvGeneralDilated;
import dev.kiln.ir.prim.DotGeneral;
import dev.kiln.ir.prim.Gather;
import dev.kiln.ir.prim.Primitive;
import dev.kiln.ir.prim.RandomBits;
import dev.kiln.ir.prim.RandomSplit;
import dev.kiln.ir.prim.ReduceMax;
import dev.kiln.ir.prim.ReduceSum;
import dev.kiln.ir.prim.ReduceWindow;
import dev.kiln.ir.prim.ScatterAdd;
import dev.kiln.ir.prim.SelectAndScatterAdd;
import dev.kiln.ir.prim.Unary;
import dev.kiln.ir.prim.UnaryOp;
import dev.kiln.ir.prim.WindowKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Hand-picked programs for device backends' tests, stressing what random programs rarely reach:
 * long reductions (split across work-groups), NaN, ties and infinities in max and argmax,
 * products and convolutions of the paper models' shapes and of sizes that are not tile
 * multiples, overlapping pooling windows, repeated gather/scatter indices, long random streams.
 * Results accumulate, so compare them with the interpreter relative to each array's scale.
 */
public final class KernelCases {
    private KernelCases() {
    }

    public static List<DeviceCase> all(long seed) {
        Random r = new Random(seed);
        List<DeviceCase> cs = new ArrayList<>();
        cs.add(unary("long rows summed by groups", f32(r, 5, 3000), new ReduceSum(Ints.of(1))));
        cs.add(unary("a full sum of 4000", f32(r, 4000), new ReduceSum(Ints.of(0))));
        cs.add(unary("columns summed one per work-item", f32(r, 3000, 3), new ReduceSum(Ints.of(0))));
        cs.add(unary("exp then a long row sum", f32(r, 2, 2500), new Unary(UnaryOp.EXP), new ReduceSum(Ints.of(1))));
        cs.add(unary("max with NaN and signed zeros", planted(f32(r, 3, 700)), new ReduceMax(Ints.of(1))));
        cs.add(unary("argmax with ties, NaN and -inf rows", planted(f32(r, 4, 900)), new ArgMax(1, DType.I32)));
        cs.add(unary("argmax over f64 rows", f64(r, 3, 1000), new ArgMax(1, DType.I32)));
        cs.add(unary("argmax over i32 rows with ties", ints(r, 10, 2, 300), new ArgMax(1, DType.I32)));
        cs.add(unary("i32 max of a long row", ints(r, 1000, 2, 400), new ReduceMax(Ints.of(1))));
        cs.add(binary("matmul 37x45 * 45x29", f32(r, 37, 45), f32(r, 45, 29), DotGeneral.matmul()));
        cs.add(binary("batched transposed dot", f32(r, 7, 13, 5), f32(r, 13, 7, 11),
                new DotGeneral(Ints.of(1), Ints.of(0), Ints.of(0), Ints.of(1))));
        cs.add(binary("i32 matmul", ints(r, 5, 20, 30), ints(r, 5, 30, 10), DotGeneral.matmul()));
        cs.add(binary("f64 matmul 64x128 * 128x64", f64(r, 64, 128), f64(r, 128, 64), DotGeneral.matmul()));
        cs.add(binary("per-example outer products (batch 128)", f32(r, 128, 50), f32(r, 128, 104),
                new DotGeneral(Ints.empty(), Ints.empty(), Ints.of(0), Ints.of(0))));
        cs.add(binary("MNIST conv1: 8x8 stride 2 pad 3", f32(r, 4, 1, 28, 28), f32(r, 16, 1, 8, 8),
                ConvGeneralDilated.simple(Ints.of(2, 2), Ints.of(3, 3))));
        cs.add(binary("CIFAR conv: 3x3 pad 1", f32(r, 2, 32, 16, 16), f32(r, 64, 32, 3, 3),
                ConvGeneralDilated.simple(Ints.of(1, 1), Ints.of(1, 1))));
        cs.add(binary("grouped conv (4 feature groups)", f32(r, 2, 8, 9, 9), f32(r, 12, 2, 3, 3),
                new ConvGeneralDilated(Ints.of(1, 1), Ints.of(1, 1), Ints.of(1, 1), Ints.of(1, 1), Ints.of(1, 1), 4, 1)));
        cs.add(binary("kernel-gradient conv (2 batch groups, dilated)", f32(r, 8, 3, 9, 9), f32(r, 8, 3, 3, 3),
                new ConvGeneralDilated(Ints.of(1, 1), Ints.of(0, 1), Ints.of(0, 1), Ints.of(1, 1), Ints.of(2, 2), 1, 2)));
        cs.add(binary("transposed conv (lhs dilation 2)", f32(r, 2, 4, 5, 5), f32(r, 3, 4, 3, 3),
                new ConvGeneralDilated(Ints.of(1, 1), Ints.of(2, 2), Ints.of(2, 2), Ints.of(2, 2), Ints.of(1, 1), 1, 1)));
        cs.add(unary("max pool 2x2 stride 1", f32(r, 4, 16, 10, 10),
                new ReduceWindow(WindowKind.MAX, Ints.of(1, 1, 2, 2), Ints.of(1, 1, 1, 1), Ints.of(0, 0, 0, 0), Ints.of(0, 0, 0, 0))));
        cs.add(unary("sum pool 2x2 stride 2 padded", f64(r, 2, 3, 9, 9),
                new ReduceWindow(WindowKind.SUM, Ints.of(1, 1, 2, 2), Ints.of(1, 1, 2, 2), Ints.of(0, 0, 1, 1), Ints.of(0, 0, 0, 0))));
        cs.add(maxPoolGradient(r));
        cs.add(gather(r));
        cs.add(scatter(r));
        cs.add(random());
        return cs;
    }

    // ---- cases with more than one operand ----

    private static DeviceCase maxPoolGradient(Random r) {
        ArrayData x = f32(r, 2, 3, 7, 7);
        // Ties inside windows: the first maximum must win.
        for (int i = 0; i < x.size(); i += 5) {
            x.setDouble(i, 0.5);
        }
        SelectAndScatterAdd p = new SelectAndScatterAdd(Ints.of(1, 1, 3, 3), Ints.of(1, 1, 2, 2), Ints.of(0, 0, 1, 1), Ints.of(0, 0, 1, 1));
        ArrayData src = f32(r, 2, 3, 4, 4);
        return build("max-pool gradient, overlapping windows with ties", b -> {
            Var s = b.addInput(src.type()), o = b.addInput(x.type());
            return b.addEquation(p, List.of(s, o), null);
        }, List.of(src, x));
    }

    private static DeviceCase gather(Random r) {
        ArrayData table = f32(r, 50, 16);
        ArrayData idx = ArrayData.zeros(TensorType.of(DType.I32, 4, 9));
        for (int i = 0; i < idx.size(); i++) {
            idx.setDouble(i, i % 7 == 0 ? 3 : r.nextInt(50));
        }
        ArrayData batched = f32(r, 4, 12, 5);
        ArrayData labels = ArrayData.zeros(TensorType.of(DType.I32, 4, 3));
        for (int i = 0; i < labels.size(); i++) {
            labels.setDouble(i, r.nextInt(12));
        }
        return build("embedding lookup and batched gather", b -> {
            Var t = b.addInput(table.type()), i = b.addInput(idx.type()), x = b.addInput(batched.type()), l = b.addInput(labels.type());
            Var rows = b.addEquation(new Gather(0), List.of(t, i), null);
            Var picked = b.addEquation(new Gather(1), List.of(x, l), null);
            return List.of(rows, picked);
        }, List.of(table, idx, batched, labels));
    }

    private static DeviceCase scatter(Random r) {
        ArrayData base = f32(r, 4, 20, 6);
        ArrayData idx = ArrayData.zeros(TensorType.of(DType.I32, 4, 30));
        for (int i = 0; i < idx.size(); i++) {
            idx.setDouble(i, i % 3 == 0 ? 7 : r.nextInt(20));
        }
        ArrayData upd = f32(r, 4, 30, 6);
        return build("batched scatter-add with repeated indices", b -> {
            Var o = b.addInput(base.type()), i = b.addInput(idx.type()), u = b.addInput(upd.type());
            return b.addEquation(new ScatterAdd(1), List.of(o, i, u), null);
        }, List.of(base, idx, upd));
    }

    private static DeviceCase random() {
        ArrayData keys = ArrayData.of(new int[]{0, 42, -7, 123456789, 1, 2}, 3, 2);
        return build("threefry bits and key splits", b -> {
            Var k = b.addInput(keys.type());
            Var bits = b.addEquation(new RandomBits(dev.kiln.ir.Shape.of(10, 100)), List.of(k), null);
            // An odd draw per key: its last block gives one word (the half-split layout's edge).
            Var odd = b.addEquation(new RandomBits(dev.kiln.ir.Shape.of(7, 13)), List.of(k), null);
            Var split = b.addEquation(new RandomSplit(5), List.of(k), null);
            return List.of(bits, odd, split);
        }, List.of(keys));
    }

    // ---- building ----

    private static DeviceCase unary(String name, ArrayData x, Primitive... chain) {
        return build(name, b -> {
            Var v = b.addInput(x.type());
            for (Primitive p : chain) {
                v = b.addEquation(p, List.of(v), null);
            }
            return v;
        }, List.of(x));
    }

    private static DeviceCase binary(String name, ArrayData x, ArrayData y, Primitive p) {
        return build(name, b -> b.addEquation(p, List.of(b.addInput(x.type()), b.addInput(y.type())), null), List.of(x, y));
    }

    private static DeviceCase build(String name, Function<GraphBuilder, Object> body, List<ArrayData> inputs) {
        GraphBuilder b = new GraphBuilder();
        Object out = body.apply(b);
        @SuppressWarnings("unchecked")
        List<Atom> outs = out instanceof List<?> l ? (List<Atom>) l : List.of((Atom) out);
        return new DeviceCase(name, b.build(outs), inputs, false);
    }

    public static ArrayData f32(Random r, int... shape) {
        return fill(ArrayData.zeros(TensorType.of(DType.F32, shape)), r);
    }

    public static ArrayData f64(Random r, int... shape) {
        return fill(ArrayData.zeros(TensorType.of(DType.F64, shape)), r);
    }

    private static ArrayData ints(Random r, int bound, int... shape) {
        ArrayData a = ArrayData.zeros(TensorType.of(DType.I32, shape));
        for (int i = 0; i < a.size(); i++) {
            a.setDouble(i, r.nextInt(2 * bound + 1) - bound);
        }
        return a;
    }

    private static ArrayData fill(ArrayData a, Random r) {
        for (int i = 0; i < a.size(); i++) {
            a.setDouble(i, r.nextDouble() * 2 - 1);
        }
        return a;
    }

    /** Row 0: its maximum repeated; row 1: NaNs; row 2 (if any): all -inf; row 3: -0.0 and 0.0 as the maximum. */
    private static ArrayData planted(ArrayData x) {
        int n = x.shape().dim(1);
        x.setDouble(n / 3, 5);
        x.setDouble(2 * n / 3, 5);
        x.setDouble(n + 10, Double.NaN);
        x.setDouble(n + n / 2, Double.NaN);
        if (x.shape().dim(0) > 2) {
            for (int j = 0; j < n; j++) {
                x.setDouble(2 * n + j, Double.NEGATIVE_INFINITY);
            }
        }
        if (x.shape().dim(0) > 3) {
            for (int j = 0; j < n; j++) {
                x.setDouble(3 * n + j, -Math.abs(x.getDouble(3 * n + j)) - 1);
            }
            x.setDouble(3 * n + 100, -0.0);
            x.setDouble(3 * n + 600, 0.0);
        }
        return x;
    }
}
