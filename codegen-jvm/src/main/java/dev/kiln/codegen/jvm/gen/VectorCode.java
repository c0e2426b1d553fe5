package dev.kiln.codegen.jvm.gen;

import static org.objectweb.asm.Opcodes.*;

import dev.kiln.ir.DType;
import dev.kiln.ir.kernel.Expr;
import dev.kiln.ir.kernel.Local;
import dev.kiln.ir.kernel.ReduceOp;
import dev.kiln.ir.kernel.Stmt;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.CompareOp;
import dev.kiln.ir.prim.UnaryOp;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.Label;

/**
 * Scalar code in which the loop chosen by a {@link VectorPlan} runs {@code LANES} iterations at a
 * time on Vector API values ({@code FloatVector.fromArray(SPECIES_PREFERRED, a, off + i)} and so
 * on), followed by a scalar loop for the remaining iterations. Varying locals live in vector
 * slots during the vector loop and in their scalar slots in the tail.
 */
final class VectorCode extends ScalarCode {
    private static final String PKG = "jdk/incubator/vector/";
    private static final String VECTOR = "L" + PKG + "Vector;";
    private static final String SPECIES = "L" + PKG + "VectorSpecies;";
    private static final String MASK_CLASS = PKG + "VectorMask";
    private static final String MASK = "L" + MASK_CLASS + ";";
    private static final String OPS = PKG + "VectorOperators";
    private static final String VECTOR_MATH = LoopClassGenerator.PACKAGE + "VectorMath";

    private final VectorPlan plan;
    private final Map<Local, Integer> vectorSlots = new HashMap<>();
    private boolean inVector;

    VectorCode(MethodFrame f, VectorPlan plan) {
        super(f);
        this.plan = plan;
    }

    /**
     * The vector class of elements of {@code d}. A loop's values share one lane size, so every
     * species it uses has the same lane count (f32 and i32 may mix; see {@link VectorPlan}).
     */
    private static String vclass(DType d) {
        return PKG + switch (d) {
            case F32 -> "FloatVector";
            case F64 -> "DoubleVector";
            case I32 -> "IntVector";
            case BOOL -> throw new IllegalStateException("bool is a mask, not an element type");
        };
    }

    private static String vdesc(DType d) {
        return "L" + vclass(d) + ";";
    }

    // ---- loop structure ----

    @Override
    void loop(Stmt.Loop l, int[] range) {
        if (l != plan.loop || inVector) {
            super.loop(l, range);
            return;
        }
        int v = f.loopVar(l.var());
        int hi = f.fresh(1), limit = f.fresh(1);
        // v = lo; hi = range end; limit = hi - (hi - lo) % LANES
        if (range != null) {
            f.loadInt(range[0]);
            mv.visitVarInsn(ISTORE, v);
            f.loadInt(range[1]);
        } else {
            f.pushInt(0);
            mv.visitVarInsn(ISTORE, v);
            f.pushInt(l.var().extent());
        }
        mv.visitVarInsn(ISTORE, hi);
        mv.visitVarInsn(ILOAD, hi);
        mv.visitVarInsn(ILOAD, hi);
        mv.visitVarInsn(ILOAD, v);
        mv.visitInsn(ISUB);
        lanes();
        mv.visitInsn(IREM);
        mv.visitInsn(ISUB);
        mv.visitVarInsn(ISTORE, limit);
        if (plan.mode == VectorPlan.Mode.REDUCE) {
            for (Local acc : plan.accumulators) {
                identity(acc);
            }
        }
        Label vTest = new Label(), vBody = new Label();
        mv.visitJumpInsn(GOTO, vTest);
        mv.visitLabel(vBody);
        inVector = true;
        stmts(l.body());
        inVector = false;
        mv.visitVarInsn(ILOAD, v);
        lanes();
        mv.visitInsn(IADD);
        mv.visitVarInsn(ISTORE, v);
        mv.visitLabel(vTest);
        mv.visitVarInsn(ILOAD, v);
        mv.visitVarInsn(ILOAD, limit);
        mv.visitJumpInsn(IF_ICMPLT, vBody);
        if (plan.mode == VectorPlan.Mode.REDUCE) {
            for (Local acc : plan.accumulators) {
                combineLanes(acc);
            }
        }
        // Scalar tail.
        Label tTest = new Label(), tBody = new Label();
        mv.visitJumpInsn(GOTO, tTest);
        mv.visitLabel(tBody);
        stmts(l.body());
        mv.visitIincInsn(v, 1);
        mv.visitLabel(tTest);
        mv.visitVarInsn(ILOAD, v);
        mv.visitVarInsn(ILOAD, hi);
        mv.visitJumpInsn(IF_ICMPLT, tBody);
    }

    private void lanes() {
        species();
        mv.visitMethodInsn(INVOKEINTERFACE, PKG + "VectorSpecies", "length", "()I", true);
    }

    private void species() {
        species(plan.element);
    }

    private void species(DType d) {
        mv.visitFieldInsn(GETSTATIC, vclass(d), "SPECIES_PREFERRED", SPECIES);
    }

    /** The vector accumulator of {@code acc} starts at the reduction's identity. */
    private void identity(Local acc) {
        ReduceOp op = accumulatorOp(acc);
        DType d = acc.dtype();
        double id = op == ReduceOp.SUM ? 0 : d == DType.I32 ? Integer.MIN_VALUE : Double.NEGATIVE_INFINITY;
        species(d);
        constant(id, d);
        mv.visitMethodInsn(INVOKESTATIC, vclass(d), "broadcast", "(" + SPECIES + JvmTypes.descriptor(d) + ")" + vdesc(d), false);
        mv.visitVarInsn(ASTORE, vectorSlot(acc));
    }

    /** {@code acc = acc op reduceLanes(vacc)} after the vector loop. */
    private void combineLanes(Local acc) {
        ReduceOp op = accumulatorOp(acc);
        BinaryOp bop = op == ReduceOp.SUM ? BinaryOp.ADD : BinaryOp.MAX;
        mv.visitVarInsn(JvmTypes.load(acc.dtype()), f.local(acc));
        mv.visitVarInsn(ALOAD, vectorSlot(acc));
        String result = JvmTypes.descriptor(acc.dtype());
        if (op == ReduceOp.SUM && acc.dtype() != DType.I32) {
            // reduceLanes(ADD) sums in one order interpreted and another compiled; this in one.
            mv.visitMethodInsn(INVOKESTATIC, VECTOR_MATH, "sum", "(" + vdesc(acc.dtype()) + ")" + result, false);
        } else {
            operator(op == ReduceOp.SUM ? "ADD" : "MAX", "Associative");
            mv.visitMethodInsn(INVOKEVIRTUAL, vclass(acc.dtype()), "reduceLanes", "(L" + OPS + "$Associative;)" + result, false);
        }
        binary(bop, acc.dtype());
        mv.visitVarInsn(JvmTypes.store(acc.dtype()), f.local(acc));
    }

    private ReduceOp accumulatorOp(Local acc) {
        ReduceOp[] op = {null};
        find(plan.loop.body(), acc, op);
        return op[0];
    }

    private static void find(List<Stmt> body, Local acc, ReduceOp[] op) {
        for (Stmt s : body) {
            if (s instanceof Stmt.Accumulate a && a.acc().equals(acc)) {
                op[0] = a.op();
            } else if (s instanceof Stmt.Loop l) {
                find(l.body(), acc, op);
            }
        }
    }

    private int vectorSlot(Local l) {
        return vectorSlots.computeIfAbsent(l, x -> f.fresh(1));
    }

    // ---- statements in the vector loop ----

    @Override
    void stmt(Stmt s) {
        if (!inVector) {
            super.stmt(s);
            return;
        }
        switch (s) {
            case Stmt.Assign a -> {
                if (plan.varying.contains(a.local())) {
                    vexpr(a.value(), a.local().dtype());
                    mv.visitVarInsn(ASTORE, vectorSlot(a.local()));
                } else {
                    super.stmt(s);
                }
            }
            case Stmt.Accumulate a -> {
                if (plan.varying.contains(a.acc())) {
                    mv.visitVarInsn(ALOAD, vectorSlot(a.acc()));
                    operator(a.op() == ReduceOp.SUM ? "ADD" : "MAX", "Associative");
                    vexpr(a.value(), a.acc().dtype());
                    DType d = a.acc().dtype();
                    mv.visitMethodInsn(INVOKEVIRTUAL, vclass(d), "lanewise", "(L" + OPS + "$Binary;" + VECTOR + ")" + vdesc(d), false);
                    mv.visitVarInsn(ASTORE, vectorSlot(a.acc()));
                } else {
                    super.stmt(s);
                }
            }
            case Stmt.Store st -> {
                DType d = st.buffer().dtype();
                vexpr(st.value(), d);
                mv.visitVarInsn(ALOAD, f.arraySlot(st.buffer()));
                address(st.buffer(), st.index());
                if (d == DType.BOOL) {
                    mv.visitMethodInsn(INVOKEVIRTUAL, MASK_CLASS, "intoArray", "([ZI)V", false);
                } else {
                    mv.visitMethodInsn(INVOKEVIRTUAL, vclass(d), "intoArray", "(" + JvmTypes.arrayDescriptor(d) + "I)V", false);
                }
            }
            default -> super.stmt(s);
        }
    }

    // ---- vector expressions ----

    private boolean varying(Expr e) {
        return VectorPlan.isVarying(e, plan.var(), plan.varying, new boolean[1]);
    }

    /** Pushes {@code e} as a vector (or a mask when {@code dt} is bool), broadcasting a scalar value. */
    private void vexpr(Expr e, DType dt) {
        if (!varying(e)) {
            if (dt == DType.BOOL) {
                species();
                expr(e);
                mv.visitMethodInsn(INVOKEINTERFACE, PKG + "VectorSpecies", "maskAll", "(Z)" + MASK, true);
            } else {
                species(dt);
                expr(e);
                mv.visitMethodInsn(INVOKESTATIC, vclass(dt), "broadcast", "(" + SPECIES + JvmTypes.descriptor(dt) + ")" + vdesc(dt), false);
            }
            return;
        }
        switch (e) {
            case Expr.Read r -> mv.visitVarInsn(ALOAD, vectorSlot(r.local()));
            case Expr.Load ld -> {
                species(ld.dtype() == DType.BOOL ? plan.element : ld.dtype());
                mv.visitVarInsn(ALOAD, f.arraySlot(ld.buffer()));
                address(ld.buffer(), ld.index());
                if (ld.dtype() == DType.BOOL) {
                    mv.visitMethodInsn(INVOKESTATIC, MASK_CLASS, "fromArray", "(" + SPECIES + "[ZI)" + MASK, false);
                } else {
                    DType d = ld.dtype();
                    mv.visitMethodInsn(INVOKESTATIC, vclass(d), "fromArray", "(" + SPECIES + JvmTypes.arrayDescriptor(d) + "I)" + vdesc(d), false);
                }
            }
            case Expr.Unary u -> vunary(u);
            case Expr.Binary b -> vbinary(b);
            case Expr.Compare c -> {
                vexpr(c.a(), c.a().dtype());
                operator(c.op().name(), "Comparison");
                vexpr(c.b(), c.b().dtype());
                mv.visitMethodInsn(INVOKEVIRTUAL, vclass(c.a().dtype()), "compare", "(L" + OPS + "$Comparison;" + VECTOR + ")" + MASK, false);
            }
            case Expr.Select s -> {
                vexpr(s.onFalse(), s.dtype());
                vexpr(s.onTrue(), s.dtype());
                vexpr(s.pred(), DType.BOOL);
                mv.visitMethodInsn(INVOKEVIRTUAL, vclass(s.dtype()), "blend", "(" + VECTOR + MASK + ")" + vdesc(s.dtype()), false);
            }
            case Expr.Convert c -> {
                vexpr(c.x(), c.x().dtype());
                if (c.x().dtype() != c.to()) {
                    // I2F, the one conversion VectorPlan admits: same lane size, so part 0 is all of it.
                    operator("I2F", "Conversion");
                    f.pushInt(0);
                    mv.visitMethodInsn(INVOKEVIRTUAL, vclass(DType.I32), "convert", "(L" + OPS + "$Conversion;I)" + VECTOR, false);
                    mv.visitTypeInsn(CHECKCAST, vclass(DType.F32));
                }
            }
            default -> throw new IllegalStateException("no vector form for " + e);
        }
    }

    private void vunary(Expr.Unary u) {
        DType d = u.x().dtype();
        if (d == DType.BOOL) {
            vexpr(u.x(), d);
            if (u.op() == UnaryOp.NOT) {
                mv.visitMethodInsn(INVOKEVIRTUAL, MASK_CLASS, "not", "()" + MASK, false);
            }
            return;
        }
        switch (u.op()) {
            case STOP_GRADIENT -> vexpr(u.x(), d);
            case EXP, LOG, LOG1P, EXPM1, TANH, SIN, COS, LOGISTIC, RSQRT -> {
                // Not lanewise(EXP) and the like: their bits change when C2 compiles the kernel.
                vexpr(u.x(), d);
                mv.visitMethodInsn(INVOKESTATIC, VECTOR_MATH, u.op().name().toLowerCase(java.util.Locale.ROOT),
                        "(" + vdesc(d) + ")" + vdesc(d), false);
            }
            default -> {
                vexpr(u.x(), d);
                lanewise(u.op().name(), d);
            }
        }
    }

    /**
     * For {@code x / c} with {@code c} a power of two whose reciprocal is a normal number of the
     * dtype: that reciprocal, so the division becomes a multiplication. Both round the same exact
     * value {@code x * 2^-k} once, so the bits are those of the division (which the scalar tail
     * and the interpreter still compute); a vector division costs about ten multiplications (a
     * mean over the batch divides every element by 128).
     */
    static Expr.Const exactReciprocal(Expr.Binary b) {
        if (b.op() != BinaryOp.DIV || !(b.b() instanceof Expr.Const c) || !(c.dtype() == DType.F32 || c.dtype() == DType.F64)) {
            return null;
        }
        double v = c.value();
        if (v == 0 || !Double.isFinite(v)) {
            return null;
        }
        double r = 1 / v;
        boolean powerOfTwo = Math.abs(v) == Math.scalb(1.0, Math.getExponent(v));
        double minNormal = c.dtype() == DType.F32 ? Float.MIN_NORMAL : Double.MIN_NORMAL;
        double max = c.dtype() == DType.F32 ? Float.MAX_VALUE : Double.MAX_VALUE;
        boolean representable = Math.abs(r) >= minNormal && Math.abs(r) <= max && (c.dtype() != DType.F32 || (float) v == v);
        return powerOfTwo && representable ? new Expr.Const(r, c.dtype()) : null;
    }

    private void lanewise(String unaryOp, DType d) {
        operator(unaryOp, "Unary");
        mv.visitMethodInsn(INVOKEVIRTUAL, vclass(d), "lanewise", "(L" + OPS + "$Unary;)" + vdesc(d), false);
    }

    private void vbinary(Expr.Binary b) {
        DType d = b.a().dtype();
        Expr.Const reciprocal = exactReciprocal(b);
        if (reciprocal != null) {
            vbinary(new Expr.Binary(BinaryOp.MUL, b.a(), reciprocal));
            return;
        }
        if (d == DType.BOOL) {
            vexpr(b.a(), d);
            vexpr(b.b(), d);
            switch (b.op()) {
                case AND -> mv.visitMethodInsn(INVOKEVIRTUAL, MASK_CLASS, "and", "(" + MASK + ")" + MASK, false);
                case OR -> mv.visitMethodInsn(INVOKEVIRTUAL, MASK_CLASS, "or", "(" + MASK + ")" + MASK, false);
                case XOR -> {
                    mv.visitMethodInsn(INVOKEVIRTUAL, MASK_CLASS, "eq", "(" + MASK + ")" + MASK, false);
                    mv.visitMethodInsn(INVOKEVIRTUAL, MASK_CLASS, "not", "()" + MASK, false);
                }
                default -> throw new IllegalStateException(b.op() + " on masks");
            }
            return;
        }
        String[] op = switch (b.op()) {
            case ADD -> new String[] {"ADD", "Associative"};
            case SUB -> new String[] {"SUB", "Binary"};
            case MUL -> new String[] {"MUL", "Associative"};
            case DIV -> new String[] {"DIV", "Binary"};
            case MAX -> new String[] {"MAX", "Associative"};
            case MIN -> new String[] {"MIN", "Associative"};
            case POW -> new String[] {"POW", "Binary"};
            case AND -> new String[] {"AND", "Associative"};
            case OR -> new String[] {"OR", "Associative"};
            case XOR -> new String[] {"XOR", "Associative"};
            case SHIFT_LEFT -> new String[] {"LSHL", "Binary"};
            case SHIFT_RIGHT_LOGICAL -> new String[] {"LSHR", "Binary"};
            case SHIFT_RIGHT_ARITHMETIC -> new String[] {"ASHR", "Binary"};
            default -> throw new IllegalStateException(b.op() + " has no vector form");
        };
        if (b.op() == BinaryOp.POW) {
            vexpr(b.a(), d);
            vexpr(b.b(), d);
            mv.visitMethodInsn(INVOKESTATIC, VECTOR_MATH, "pow", "(" + vdesc(d) + vdesc(d) + ")" + vdesc(d), false);
            return;
        }
        vexpr(b.a(), d);
        operator(op[0], op[1]);
        vexpr(b.b(), d);
        mv.visitMethodInsn(INVOKEVIRTUAL, vclass(d), "lanewise", "(L" + OPS + "$Binary;" + VECTOR + ")" + vdesc(d), false);
    }

    private void operator(String name, String kind) {
        mv.visitFieldInsn(GETSTATIC, OPS, name, "L" + OPS + "$" + kind + ";");
    }

    static String comparison(CompareOp op) {
        return op.name();
    }
}
