package dev.kiln.autodiff;

import static dev.kiln.autodiff.GradCheck.checkPrimitive;
import static dev.kiln.autodiff.GradCheck.dims;
import static dev.kiln.autodiff.GradCheck.normal;
import static dev.kiln.autodiff.GradCheck.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.interp.Interpreter;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.Select;
import dev.kiln.ir.prim.Unary;
import dev.kiln.ir.prim.UnaryOp;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** VJPs of unary, binary and select primitives in f64 against finite differences. */
class ElementwiseVjpProperties {

    @Provide
    Arbitrary<UnaryOp> differentiableUnary() {
        return Arbitraries.of(UnaryOp.NEG, UnaryOp.EXP, UnaryOp.LOG, UnaryOp.LOG1P, UnaryOp.EXPM1, UnaryOp.TANH,
                UnaryOp.LOGISTIC, UnaryOp.SQRT, UnaryOp.RSQRT, UnaryOp.ABS, UnaryOp.SIN, UnaryOp.COS);
    }

    @Provide
    Arbitrary<BinaryOp> differentiableBinary() {
        return Arbitraries.of(BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV, BinaryOp.REM, BinaryOp.POW,
                BinaryOp.MAX, BinaryOp.MIN);
    }

    @Property(tries = 60)
    void unaryVjpMatchesFiniteDifferences(@ForAll("differentiableUnary") UnaryOp op, @ForAll long seed) {
        Random r = new Random(seed);
        int[] shape = dims(r, r.nextInt(4), 1, 4);
        checkPrimitive(new Unary(op), List.of(operand(op, r, shape)), new boolean[] {true}, r);
    }

    /** Inputs inside the domain and away from kinks (abs at 0), so finite differences are valid. */
    private static ArrayData operand(UnaryOp op, Random r, int[] shape) {
        return switch (op) {
            case LOG, SQRT, RSQRT -> uniform(r, 0.3, 3, shape);
            case LOG1P -> uniform(r, -0.7, 3, shape);
            case ABS -> awayFromZero(r, shape);
            default -> normal(r, shape);
        };
    }

    @Property(tries = 80)
    void binaryVjpMatchesFiniteDifferences(@ForAll("differentiableBinary") BinaryOp op, @ForAll long seed) {
        Random r = new Random(seed);
        int[] shape = dims(r, 1 + r.nextInt(3), 1, 4);
        // Either operand may be rank 0, broadcasting against the other.
        int form = r.nextInt(4);
        int[] xs = form == 1 ? new int[0] : shape, ys = form == 2 ? new int[0] : shape;
        ArrayData x, y;
        switch (op) {
            case DIV -> {
                x = normal(r, xs);
                y = awayFromZero(r, ys);
            }
            case REM -> {
                x = uniform(r, 0.1, 0.9, xs);
                y = uniform(r, 1.1, 2, ys);
                if (r.nextBoolean()) {
                    x = scaleBy(x, -1);
                }
            }
            case POW -> {
                x = uniform(r, 0.3, 2.5, xs);
                y = uniform(r, -2, 2, ys);
            }
            case MAX, MIN -> {
                // Keep the operands apart so no element sits on a tie.
                x = normal(r, xs);
                y = ArrayData.zeros(x.type().withShape(dev.kiln.ir.Shape.of(ys)));
                ArrayData off = awayFromZero(r, ys);
                for (int i = 0; i < y.size(); i++) {
                    y.setDouble(i, (xs.length == 0 ? x.getDouble(0) : x.getDouble(i % x.size())) + off.getDouble(i));
                }
                if (xs.length > 0 && ys.length == 0) {
                    y.setDouble(0, 0.05);
                    x = awayFromZero(r, xs);
                }
            }
            default -> {
                x = normal(r, xs);
                y = normal(r, ys);
            }
        }
        boolean[] wrt = switch (r.nextInt(3)) {
            case 0 -> new boolean[] {true, false};
            case 1 -> new boolean[] {false, true};
            default -> new boolean[] {true, true};
        };
        checkPrimitive(new Binary(op), List.of(x, y), wrt, r);
    }

    @Property(tries = 30)
    void selectVjpRoutesTheCotangentByThePredicate(@ForAll long seed) {
        Random r = new Random(seed);
        int[] shape = dims(r, 1 + r.nextInt(3), 1, 4);
        ArrayData pred = r.nextInt(4) == 0 ? GradCheck.bools(r) : GradCheck.bools(r, shape);
        ArrayData a = r.nextInt(4) == 0 ? normal(r) : normal(r, shape);
        ArrayData b = normal(r, shape);
        checkPrimitive(new Select(), List.of(pred, a, b), new boolean[] {false, true, true}, r);
    }

    @Example
    void maxAndMinSplitTheCotangentOfTiesInHalf() {
        ArrayData x = ArrayData.of(new double[] {1, 2, 3}, 3), y = ArrayData.of(new double[] {1, 5, 0}, 3);
        ArrayData ct = ArrayData.of(new double[] {4, 4, 4}, 3);
        for (BinaryOp op : List.of(BinaryOp.MAX, BinaryOp.MIN)) {
            var g = Vjp.graph(GradCheck.single(new Binary(op), List.of(x, y)), new boolean[] {true, true});
            var out = Interpreter.run(g, List.of(x, y, ct));
            double[] dx = op == BinaryOp.MAX ? new double[] {2, 0, 4} : new double[] {2, 4, 0};
            double[] dy = op == BinaryOp.MAX ? new double[] {2, 4, 0} : new double[] {2, 0, 4};
            assertArrayEquals(dx, out.get(1).toDoubleArray(), 0, op.textName());
            assertArrayEquals(dy, out.get(2).toDoubleArray(), 0, op.textName());
        }
    }

    @Example
    void absHasSlopeOneAtZeroAsInJax() {
        ArrayData x = ArrayData.of(new double[] {-1, 0, 2}, 3), ct = ArrayData.of(new double[] {1, 1, 1}, 3);
        var g = Vjp.graph(GradCheck.single(new Unary(UnaryOp.ABS), List.of(x)), new boolean[] {true});
        assertArrayEquals(new double[] {-1, 1, 1}, Interpreter.run(g, List.of(x, ct)).get(1).toDoubleArray(), 0);
    }

    static ArrayData awayFromZero(Random r, int... shape) {
        ArrayData a = uniform(r, 0.2, 2, shape);
        for (int i = 0; i < a.size(); i++) {
            if (r.nextBoolean()) {
                a.setDouble(i, -a.getDouble(i));
            }
        }
        return a;
    }

    private static ArrayData scaleBy(ArrayData a, double c) {
        ArrayData out = a.copy();
        for (int i = 0; i < out.size(); i++) {
            out.setDouble(i, c * out.getDouble(i));
        }
        return out;
    }
}
