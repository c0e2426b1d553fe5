package dev.kiln.ir.device;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
import dev.kiln.ir.GraphBuilder;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.Compare;
import dev.kiln.ir.prim.CompareOp;
import dev.kiln.ir.prim.Convert;
import dev.kiln.ir.prim.Primitive;
import dev.kiln.ir.prim.Select;
import dev.kiln.ir.prim.Unary;
import dev.kiln.ir.prim.UnaryOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One program per elementwise operation and dtype (every unary, binary and comparison operator,
 * select, every conversion), on inputs full of edge values: signed zeros, infinities, NaN,
 * subnormals, halves (rounding), values where exp overflows or underflows, the ends of the i32
 * range, shift amounts past 31, and random values. Binary operations see every pair of edge
 * values. A device backend must match the interpreter element by element. Trigonometric functions
 * see arguments up to 1e6 in magnitude (GPU argument reduction is not exact beyond).
 */
public final class ElementwiseCases {
    private static final double[] FLOATS = {0.0, -0.0, 1, -1, 0.5, -0.5, 1.5, 2.5, -2.5, -3.7, 0.49999997, 1e-3, -1e-3,
        1e-20, 3.14159265358979, 10, -10, 20, -20, 50, 88.5, -88.5, 100, -104, 700, -740, 1e6, -1e6, 1e30, -1e30,
        Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e-40, -1e-310, 3e9, -3e9, 2147483520, 16777217, 65504};
    private static final double[] PAIRS = {0.0, -0.0, 1, -1, 0.5, -2.5, 3, 1e-3, 7.25, -100, 1e30, Double.NaN,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 2, -3};
    private static final int[] INTS = {0, 1, -1, 2, -2, 7, -7, 31, 32, 33, -31, 100, -100, 65536, Integer.MAX_VALUE,
        Integer.MIN_VALUE, Integer.MAX_VALUE - 1, Integer.MIN_VALUE + 1, 16777217};

    private ElementwiseCases() {
    }

    public static List<DeviceCase> all(long seed) {
        Random r = new Random(seed);
        List<DeviceCase> cs = new ArrayList<>();
        for (DType f : new DType[]{DType.F32, DType.F64}) {
            for (UnaryOp op : UnaryOp.values()) {
                if (op != UnaryOp.NOT) {
                    boolean trig = op == UnaryOp.SIN || op == UnaryOp.COS;
                    cs.add(unary(op.textName() + " " + f, new Unary(op), floats(f, r, trig)));
                }
            }
            for (BinaryOp op : BinaryOp.values()) {
                if (!op.isBitwise()) {
                    ArrayData[] xy = floatPairs(f, r);
                    cs.add(binary(op.textName() + " " + f, new Binary(op), xy[0], xy[1]));
                }
            }
            for (CompareOp op : CompareOp.values()) {
                ArrayData[] xy = floatPairs(f, r);
                cs.add(binary(op.textName() + " " + f, new Compare(op), xy[0], xy[1]));
            }
        }
        for (UnaryOp op : new UnaryOp[]{UnaryOp.NEG, UnaryOp.ABS, UnaryOp.SIGN, UnaryOp.NOT, UnaryOp.STOP_GRADIENT}) {
            cs.add(unary(op.textName() + " i32", new Unary(op), ints(r)));
        }
        for (BinaryOp op : BinaryOp.values()) {
            if (op != BinaryOp.POW) {
                ArrayData[] xy = intPairs(r);
                cs.add(binary(op.textName() + " i32", new Binary(op), xy[0], xy[1]));
            }
        }
        for (CompareOp op : CompareOp.values()) {
            ArrayData[] xy = intPairs(r);
            cs.add(binary(op.textName() + " i32", new Compare(op), xy[0], xy[1]));
            ArrayData[] pq = boolPairs();
            cs.add(binary(op.textName() + " bool", new Compare(op), pq[0], pq[1]));
        }
        for (BinaryOp op : new BinaryOp[]{BinaryOp.AND, BinaryOp.OR, BinaryOp.XOR}) {
            ArrayData[] pq = boolPairs();
            cs.add(binary(op.textName() + " bool", new Binary(op), pq[0], pq[1]));
        }
        cs.add(unary("not bool", new Unary(UnaryOp.NOT), boolPairs()[0]));
        for (DType from : DType.values()) {
            for (DType to : DType.values()) {
                if (from != to) {
                    cs.add(unary("convert " + from + " -> " + to, new Convert(to), values(from, r)));
                }
            }
        }
        for (DType d : DType.values()) {
            ArrayData x = values(d, r), y = values(d, r);
            ArrayData p = ArrayData.zeros(TensorType.of(DType.BOOL, x.size()));
            for (int i = 0; i < p.size(); i++) {
                p.setDouble(i, r.nextBoolean() ? 1 : 0);
            }
            cs.add(build("select " + d, b -> b.addEquation(new Select(),
                    List.of(b.addInput(p.type()), b.addInput(x.type()), b.addInput(y.type())), null), List.of(p, x, y)));
        }
        return cs;
    }

    // ---- inputs ----

    private static ArrayData values(DType d, Random r) {
        return switch (d) {
            case F32, F64 -> floats(d, r, false);
            case I32 -> ints(r);
            case BOOL -> boolPairs()[0];
        };
    }

    private static ArrayData floats(DType d, Random r, boolean trig) {
        List<Double> v = new ArrayList<>();
        for (double x : FLOATS) {
            if (!trig || !(Math.abs(x) > 1e6)) {
                v.add(x);
            }
        }
        for (int i = 0; i < 40; i++) {
            v.add(r.nextDouble() * 12 - 6);
        }
        for (int i = 0; i < 20; i++) {
            v.add((r.nextBoolean() ? 1 : -1) * Math.pow(10, r.nextDouble() * 12 - 6));
        }
        ArrayData a = ArrayData.zeros(TensorType.of(d, v.size()));
        for (int i = 0; i < v.size(); i++) {
            a.setDouble(i, v.get(i));
        }
        return a;
    }

    private static ArrayData ints(Random r) {
        ArrayData a = ArrayData.zeros(TensorType.of(DType.I32, INTS.length + 20));
        for (int i = 0; i < a.size(); i++) {
            a.setDouble(i, i < INTS.length ? INTS[i] : r.nextInt(2001) - 1000);
        }
        return a;
    }

    /** Every pair of edge values, then random pairs. */
    private static ArrayData[] floatPairs(DType d, Random r) {
        int n = PAIRS.length * PAIRS.length + 40;
        ArrayData x = ArrayData.zeros(TensorType.of(d, n)), y = ArrayData.zeros(TensorType.of(d, n));
        for (int i = 0; i < n; i++) {
            boolean edge = i < PAIRS.length * PAIRS.length;
            x.setDouble(i, edge ? PAIRS[i / PAIRS.length] : r.nextDouble() * 20 - 10);
            y.setDouble(i, edge ? PAIRS[i % PAIRS.length] : r.nextDouble() * 20 - 10);
        }
        return new ArrayData[]{x, y};
    }

    private static ArrayData[] intPairs(Random r) {
        int n = INTS.length * INTS.length + 40;
        ArrayData x = ArrayData.zeros(TensorType.of(DType.I32, n)), y = ArrayData.zeros(TensorType.of(DType.I32, n));
        for (int i = 0; i < n; i++) {
            boolean edge = i < INTS.length * INTS.length;
            x.setDouble(i, edge ? INTS[i / INTS.length] : r.nextInt(2001) - 1000);
            y.setDouble(i, edge ? INTS[i % INTS.length] : r.nextInt(61) - 30);
        }
        return new ArrayData[]{x, y};
    }

    private static ArrayData[] boolPairs() {
        return new ArrayData[]{ArrayData.of(new boolean[]{false, false, true, true}, 4), ArrayData.of(new boolean[]{false, true, false, true}, 4)};
    }

    // ---- graphs ----

    private static DeviceCase unary(String name, Primitive p, ArrayData x) {
        return build(name, b -> b.addEquation(p, List.of(b.addInput(x.type())), null), List.of(x));
    }

    private static DeviceCase binary(String name, Primitive p, ArrayData x, ArrayData y) {
        return build(name, b -> b.addEquation(p, List.of(b.addInput(x.type()), b.addInput(y.type())), null), List.of(x, y));
    }

    private static DeviceCase build(String name, java.util.function.Function<GraphBuilder, Var> body, List<ArrayData> inputs) {
        GraphBuilder b = new GraphBuilder();
        Var out = body.apply(b);
        Graph g = b.build(List.of(out));
        return new DeviceCase(name, g, inputs, true);
    }
}
