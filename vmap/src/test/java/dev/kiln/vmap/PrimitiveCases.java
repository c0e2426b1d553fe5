package dev.kiln.vmap;

import dev.kiln.ir.Atom;
import dev.kiln.ir.DType;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Literal;
import dev.kiln.ir.Shape;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.ArgMax;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.BroadcastInDim;
import dev.kiln.ir.prim.Compare;
import dev.kiln.ir.prim.CompareOp;
import dev.kiln.ir.prim.Concatenate;
import dev.kiln.ir.prim.Convert;
import dev.kiln.ir.prim.Iota;
import dev.kiln.ir.prim.Pad;
import dev.kiln.ir.prim.Primitive;
import dev.kiln.ir.prim.ReduceMax;
import dev.kiln.ir.prim.ReduceSum;
import dev.kiln.ir.prim.Reshape;
import dev.kiln.ir.prim.Rev;
import dev.kiln.ir.prim.Select;
import dev.kiln.ir.prim.Slice;
import dev.kiln.ir.prim.Transpose;
import dev.kiln.ir.prim.Unary;
import dev.kiln.ir.prim.UnaryOp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * The oracle table: for every primitive, a generator of random per-example graphs using it (random
 * shapes, dtypes and parameters, scalar and literal operands where the primitive takes them).
 * Adding a primitive adds one entry here; {@code BatchingPrimitiveProperties} checks every entry.
 */
final class PrimitiveCases {
    static final List<DType> NUMERIC = List.of(DType.F32, DType.F64, DType.I32);
    static final List<DType> FLOATS = List.of(DType.F32, DType.F64);

    private PrimitiveCases() {
    }

    /** Every primitive record class with the generator of its cases. */
    static Map<Class<? extends Primitive>, Function<Random, PrimitiveCase>> table() {
        Map<Class<? extends Primitive>, Function<Random, PrimitiveCase>> t = new LinkedHashMap<>();
        t.put(Unary.class, PrimitiveCases::unary);
        t.put(Binary.class, PrimitiveCases::binary);
        t.put(Compare.class, PrimitiveCases::compare);
        t.put(Select.class, PrimitiveCases::select);
        t.put(Convert.class, PrimitiveCases::convert);
        t.put(Iota.class, PrimitiveCases::iota);
        t.put(BroadcastInDim.class, PrimitiveCases::broadcastInDim);
        t.put(Reshape.class, PrimitiveCases::reshape);
        t.put(Transpose.class, PrimitiveCases::transpose);
        t.put(Rev.class, PrimitiveCases::rev);
        t.put(Slice.class, PrimitiveCases::slice);
        t.put(Pad.class, PrimitiveCases::pad);
        t.put(Concatenate.class, PrimitiveCases::concatenate);
        t.put(ReduceSum.class, PrimitiveCases::reduceSum);
        t.put(ReduceMax.class, PrimitiveCases::reduceMax);
        t.put(ArgMax.class, PrimitiveCases::argMax);
        t.putAll(ContractionCases.table());
        return t;
    }

    // ---- elementwise ----

    static PrimitiveCase unary(Random r) {
        UnaryOp op = Rand.pick(r, UnaryOp.values());
        DType dt = switch (op) {
            case NOT -> Rand.pick(r, DType.BOOL, DType.I32);
            case STOP_GRADIENT -> Rand.pick(r, DType.values());
            case NEG, ABS, SIGN -> Rand.pick(r, NUMERIC);
            default -> Rand.pick(r, FLOATS);
        };
        boolean positive = op == UnaryOp.LOG || op == UnaryOp.LOG1P || op == UnaryOp.SQRT || op == UnaryOp.RSQRT;
        var b = new PrimitiveCase.Builder();
        Var x = b.input(TensorType.of(dt, Rand.dims(r, r.nextInt(4), 4)), positive ? Gen.positive() : Gen.normal());
        return b.build("unary " + op, 0, b.eq(new Unary(op), x));
    }

    static PrimitiveCase binary(Random r) {
        BinaryOp op = Rand.pick(r, BinaryOp.values());
        DType dt = switch (op) {
            case POW -> Rand.pick(r, FLOATS);
            case SHIFT_LEFT, SHIFT_RIGHT_LOGICAL, SHIFT_RIGHT_ARITHMETIC -> DType.I32;
            case AND, OR, XOR -> Rand.pick(r, DType.I32, DType.BOOL);
            default -> Rand.pick(r, NUMERIC);
        };
        boolean positiveRhs = (op == BinaryOp.DIV || op == BinaryOp.REM) && dt == DType.I32;
        Gen lhsGen = op == BinaryOp.POW ? Gen.positive() : Gen.normal();
        Gen rhsGen = positiveRhs ? Gen.positive() : Gen.normal();
        var b = new PrimitiveCase.Builder();
        Shape s = Shape.of(Rand.dims(r, r.nextInt(4), 4));
        List<Atom> ops = elementwiseOperands(r, b, s, List.of(dt, dt), List.of(lhsGen, rhsGen), List.of(1.5, 3.0));
        return b.build("binary " + op, 0, b.eq(new Binary(op), ops.toArray(Atom[]::new)));
    }

    static PrimitiveCase compare(Random r) {
        CompareOp op = Rand.pick(r, CompareOp.values());
        DType dt = Rand.pick(r, NUMERIC);
        var b = new PrimitiveCase.Builder();
        Shape s = Shape.of(Rand.dims(r, r.nextInt(4), 4));
        List<Atom> ops = elementwiseOperands(r, b, s, List.of(dt, dt), List.of(Gen.normal(), Gen.normal()), List.of(0.0, 1.0));
        return b.build("compare " + op, 0, b.eq(new Compare(op), ops.toArray(Atom[]::new)));
    }

    static PrimitiveCase select(Random r) {
        DType dt = Rand.pick(r, DType.values());
        var b = new PrimitiveCase.Builder();
        Shape s = Shape.of(Rand.dims(r, r.nextInt(4), 4));
        List<Atom> ops = elementwiseOperands(r, b, s, List.of(DType.BOOL, dt, dt),
                List.of(Gen.normal(), Gen.normal(), Gen.normal()), List.of(1.0, 2.0, 0.0));
        return b.build("select", 0, b.eq(new Select(), ops.toArray(Atom[]::new)));
    }

    static PrimitiveCase convert(Random r) {
        DType from = Rand.pick(r, DType.values()), to = Rand.pick(r, DType.values());
        var b = new PrimitiveCase.Builder();
        Var x = b.input(TensorType.of(from, Rand.dims(r, r.nextInt(4), 4)), Gen.normal());
        return b.build("convert " + from + "->" + to, 0, b.eq(new Convert(to), x));
    }

    /**
     * Operands of one elementwise equation over per-example shape {@code s}: each a full-shape
     * input, a rank-0 input, or (at most all but one) a literal; at least one is full-shape when
     * {@code s} is not a scalar, so the result has shape {@code s}.
     */
    private static List<Atom> elementwiseOperands(Random r, PrimitiveCase.Builder b, Shape s, List<DType> dts,
                                                  List<Gen> gens, List<Double> literals) {
        int n = dts.size();
        int full = r.nextInt(n);
        int input = r.nextInt(n);
        List<Atom> ops = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int kind = i == full ? 0 : i == input ? r.nextInt(2) : r.nextInt(3);
            ops.add(switch (kind) {
                case 0 -> b.input(new TensorType(dts.get(i), s), gens.get(i));
                case 1 -> b.input(TensorType.scalar(dts.get(i)), gens.get(i));
                default -> Literal.of(literals.get(i), dts.get(i));
            });
        }
        return ops;
    }

    // ---- creation and layout ----

    static PrimitiveCase iota(Random r) {
        DType dt = Rand.pick(r, NUMERIC);
        Shape s = Shape.of(Rand.dims(r, 1 + r.nextInt(3), 4));
        var b = new PrimitiveCase.Builder();
        Var x = b.input(new TensorType(dt, s), Gen.normal());
        Var iota = b.eq(new Iota(dt, s, r.nextInt(s.rank())));
        return b.build("iota", 0, b.eq(new Binary(BinaryOp.ADD), x, iota), iota);
    }

    static PrimitiveCase broadcastInDim(Random r) {
        int[] target = Rand.dims(r, r.nextInt(5), 4);
        int[] dims = Rand.subset(r, target.length);
        int[] operand = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            operand[i] = r.nextBoolean() ? 1 : target[dims[i]];
        }
        var b = new PrimitiveCase.Builder();
        Var x = b.input(TensorType.of(Rand.pick(r, DType.values()), operand), Gen.normal());
        return b.build("broadcast_in_dim", 0, b.eq(new BroadcastInDim(Shape.of(target), Ints.of(dims)), x));
    }

    static PrimitiveCase reshape(Random r) {
        int[] from = Rand.dims(r, r.nextInt(4), 4);
        List<Integer> factors = new ArrayList<>();
        for (int d : from) {
            for (int f = 2, n = d; n > 1; ) {
                if (n % f == 0) {
                    factors.add(f);
                    n /= f;
                } else {
                    f++;
                }
            }
        }
        int[] to = new int[r.nextInt(4) + (factors.isEmpty() ? 0 : 1)];
        java.util.Arrays.fill(to, 1);
        for (int f : factors) {
            to[r.nextInt(to.length)] *= f;
        }
        var b = new PrimitiveCase.Builder();
        Var x = b.input(TensorType.of(Rand.pick(r, DType.values()), from), Gen.normal());
        return b.build("reshape", 0, b.eq(new Reshape(Shape.of(to)), x));
    }

    static PrimitiveCase transpose(Random r) {
        int rank = r.nextInt(5);
        var b = new PrimitiveCase.Builder();
        Var x = b.input(TensorType.of(DType.F32, Rand.dims(r, rank, 3)), Gen.normal());
        return b.build("transpose", 0, b.eq(new Transpose(Ints.of(Rand.permutation(r, rank))), x));
    }

    static PrimitiveCase rev(Random r) {
        int rank = r.nextInt(4);
        int[] perm = Rand.permutation(r, rank);
        int[] dims = java.util.Arrays.copyOf(perm, r.nextInt(rank + 1));
        var b = new PrimitiveCase.Builder();
        Var x = b.input(TensorType.of(DType.I32, Rand.dims(r, rank, 4)), Gen.normal());
        return b.build("rev", 0, b.eq(new Rev(Ints.of(dims)), x));
    }

    static PrimitiveCase slice(Random r) {
        int[] shape = Rand.dims(r, r.nextInt(4), 5);
        int[] start = new int[shape.length], limit = new int[shape.length], strides = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            start[i] = r.nextInt(shape[i] + 1);
            limit[i] = Rand.between(r, start[i], shape[i]);
            strides[i] = Rand.between(r, 1, 3);
        }
        var b = new PrimitiveCase.Builder();
        Var x = b.input(TensorType.of(DType.F32, shape), Gen.normal());
        return b.build("slice", 0, b.eq(new Slice(Ints.of(start), Ints.of(limit), Ints.of(strides)), x));
    }

    static PrimitiveCase pad(Random r) {
        int[] shape = Rand.dims(r, r.nextInt(4), 4);
        int[] lo = new int[shape.length], hi = new int[shape.length], interior = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            interior[i] = r.nextInt(3);
            lo[i] = Rand.between(r, -1, 2);
            hi[i] = Rand.between(r, -1, 2);
            int size = shape[i] + (shape[i] - 1) * interior[i];
            if (size + lo[i] + hi[i] < 0) {
                lo[i] = 0;
                hi[i] = 0;
            }
        }
        DType dt = Rand.pick(r, NUMERIC);
        var b = new PrimitiveCase.Builder();
        Var x = b.input(TensorType.of(dt, shape), Gen.normal());
        Var v = b.input(TensorType.scalar(dt), Gen.normal());
        return b.build("pad", 0, b.eq(new Pad(Ints.of(lo), Ints.of(hi), Ints.of(interior)), x, v));
    }

    static PrimitiveCase concatenate(Random r) {
        int rank = 1 + r.nextInt(3);
        int[] shape = Rand.dims(r, rank, 3);
        int dim = r.nextInt(rank);
        int n = 1 + r.nextInt(3);
        var b = new PrimitiveCase.Builder();
        Atom[] parts = new Atom[n];
        for (int i = 0; i < n; i++) {
            shape[dim] = Rand.between(r, 1, 3);
            parts[i] = b.input(TensorType.of(DType.F32, shape), Gen.normal());
        }
        return b.build("concatenate", 0, b.eq(new Concatenate(dim), parts));
    }

    // ---- reductions ----

    static PrimitiveCase reduceSum(Random r) {
        DType dt = Rand.pick(r, NUMERIC);
        int[] shape = Rand.dims(r, r.nextInt(5), 4);
        var b = new PrimitiveCase.Builder();
        Var x = b.input(TensorType.of(dt, shape), Gen.normal());
        return b.build("reduce_sum", ArrayOps.floatTolerance(dt), b.eq(new ReduceSum(Ints.of(Rand.subset(r, shape.length))), x));
    }

    static PrimitiveCase reduceMax(Random r) {
        DType dt = Rand.pick(r, NUMERIC);
        int[] shape = Rand.dims(r, r.nextInt(5), 4);
        var b = new PrimitiveCase.Builder();
        Var x = b.input(TensorType.of(dt, shape), Gen.normal());
        return b.build("reduce_max", 0, b.eq(new ReduceMax(Ints.of(Rand.subset(r, shape.length))), x));
    }

    static PrimitiveCase argMax(Random r) {
        DType dt = Rand.pick(r, NUMERIC);
        int[] shape = Rand.dims(r, 1 + r.nextInt(3), 4);
        var b = new PrimitiveCase.Builder();
        Var x = b.input(TensorType.of(dt, shape), Gen.normal());
        return b.build("argmax", 0, b.eq(new ArgMax(r.nextInt(shape.length), DType.I32), x));
    }
}
