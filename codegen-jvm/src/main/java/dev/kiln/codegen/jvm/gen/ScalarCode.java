package dev.kiln.codegen.jvm.gen;

import static org.objectweb.asm.Opcodes.*;

import dev.kiln.ir.DType;
import dev.kiln.ir.kernel.Cond;
import dev.kiln.ir.kernel.Expr;
import dev.kiln.ir.kernel.Idx;
import dev.kiln.ir.kernel.LoopVar;
import dev.kiln.ir.kernel.ReduceOp;
import dev.kiln.ir.kernel.Stmt;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.CompareOp;
import dev.kiln.ir.prim.UnaryOp;
import java.util.List;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * Emits kernel IR as scalar bytecode with the reference interpreter's semantics: f32 arithmetic
 * in float (each operation correctly rounded, as the interpreter's double-then-round), f32
 * functions through {@link Math} in double, integer division through {@link ScalarOps}.
 */
class ScalarCode {
    private static final String MATH = "java/lang/Math";
    private static final String OPS = "dev/kiln/codegen/jvm/gen/ScalarOps";

    final MethodFrame f;
    final MethodVisitor mv;

    ScalarCode(MethodFrame f) {
        this.f = f;
        this.mv = f.mv;
    }

    // ---- statements ----

    void stmts(List<Stmt> body) {
        for (Stmt s : body) {
            stmt(s);
        }
    }

    void stmt(Stmt s) {
        switch (s) {
            case Stmt.Loop l -> loop(l, null);
            case Stmt.Assign a -> {
                expr(a.value());
                mv.visitVarInsn(JvmTypes.store(a.local().dtype()), f.local(a.local()));
            }
            case Stmt.Accumulate a -> {
                DType d = a.acc().dtype();
                mv.visitVarInsn(JvmTypes.load(d), f.local(a.acc()));
                expr(a.value());
                binary(a.op() == ReduceOp.SUM ? BinaryOp.ADD : BinaryOp.MAX, d);
                mv.visitVarInsn(JvmTypes.store(d), f.local(a.acc()));
            }
            case Stmt.ArgMaxUpdate a -> argmax(a);
            case Stmt.Store st -> {
                mv.visitVarInsn(ALOAD, f.arraySlot(st.buffer()));
                address(st.buffer(), st.index());
                expr(st.value());
                mv.visitInsn(JvmTypes.arrayStore(st.buffer().dtype()));
            }
            case Stmt.If i -> {
                Label otherwise = new Label(), end = new Label();
                cond(i.cond(), otherwise);
                stmts(i.then());
                mv.visitJumpInsn(GOTO, end);
                mv.visitLabel(otherwise);
                stmts(i.otherwise());
                mv.visitLabel(end);
            }
        }
    }

    /**
     * {@code for (v = lo; v < hi; v++) body}. The bounds are the loop's extent, or, for the
     * parallel loop, the method's {@code from} and {@code to} (when {@code parallelRange}).
     */
    void loop(Stmt.Loop l, int[] range) {
        int v = f.loopVar(l.var());
        Label test = new Label(), body = new Label();
        if (range != null) {
            f.loadInt(range[0]);
        } else {
            f.pushInt(0);
        }
        mv.visitVarInsn(ISTORE, v);
        mv.visitJumpInsn(GOTO, test);
        mv.visitLabel(body);
        stmts(l.body());
        mv.visitIincInsn(v, 1);
        mv.visitLabel(test);
        mv.visitVarInsn(ILOAD, v);
        if (range != null) {
            f.loadInt(range[1]);
        } else {
            f.pushInt(l.var().extent());
        }
        mv.visitJumpInsn(IF_ICMPLT, body);
    }

    private void argmax(Stmt.ArgMaxUpdate a) {
        DType d = a.best().dtype();
        int best = f.local(a.best());
        int v = f.fresh(d);
        expr(a.value());
        mv.visitVarInsn(JvmTypes.store(d), v);
        Label skip = new Label();
        if (d == DType.I32) {
            mv.visitVarInsn(ILOAD, v);
            mv.visitVarInsn(ILOAD, best);
            mv.visitJumpInsn(IF_ICMPLE, skip);
        } else {
            mv.visitVarInsn(JvmTypes.load(d), v);
            toDouble(d);
            mv.visitVarInsn(JvmTypes.load(d), best);
            toDouble(d);
            mv.visitMethodInsn(INVOKESTATIC, OPS, "argmaxTakes", "(DD)Z", false);
            mv.visitJumpInsn(IFEQ, skip);
        }
        mv.visitVarInsn(JvmTypes.load(d), v);
        mv.visitVarInsn(JvmTypes.store(d), best);
        idx(a.position());
        mv.visitVarInsn(ISTORE, f.local(a.bestIndex()));
        mv.visitLabel(skip);
    }

    /** Jumps to {@code fail} unless every clause holds. */
    void cond(Cond c, Label fail) {
        for (Cond.Clause cl : c.clauses()) {
            switch (cl) {
                case Cond.AtLeast a -> {
                    idx(a.index());
                    f.pushInt(a.bound());
                    mv.visitJumpInsn(IF_ICMPLT, fail);
                }
                case Cond.Below b -> {
                    idx(b.index());
                    f.pushInt(b.bound());
                    mv.visitJumpInsn(IF_ICMPGE, fail);
                }
                case Cond.Divisible d -> {
                    idx(d.index());
                    f.pushInt(d.divisor());
                    mv.visitInsn(IREM);
                    mv.visitJumpInsn(IFNE, fail);
                }
            }
        }
    }

    // ---- indices ----

    /** Pushes {@code offset(buffer) + index}. */
    void address(dev.kiln.ir.kernel.BufferRef b, Idx index) {
        mv.visitVarInsn(ILOAD, f.offsetSlot(b));
        if (!(index.isConstant() && index.constant() == 0)) {
            idx(index);
            mv.visitInsn(IADD);
        }
    }

    void idx(Idx e) {
        boolean first = true;
        for (var t : e.terms().entrySet()) {
            atom(t.getKey());
            int c = t.getValue();
            if (c != 1) {
                f.pushInt(c);
                mv.visitInsn(IMUL);
            }
            if (!first) {
                mv.visitInsn(IADD);
            }
            first = false;
        }
        if (first) {
            f.pushInt(e.constant());
        } else if (e.constant() != 0) {
            f.pushInt(e.constant());
            mv.visitInsn(IADD);
        }
    }

    void atom(Idx.Atom a) {
        switch (a) {
            case LoopVar v -> mv.visitVarInsn(ILOAD, f.loopVar(v));
            case Idx.Div d -> {
                idx(d.numerator());
                f.pushInt(d.divisor());
                mv.visitInsn(IDIV);
            }
            case Idx.Mod m -> {
                idx(m.numerator());
                f.pushInt(m.divisor());
                mv.visitInsn(IREM);
            }
        }
    }

    // ---- expressions ----

    void expr(Expr e) {
        switch (e) {
            case Expr.Const c -> constant(c.value(), c.dtype());
            case Expr.Read r -> mv.visitVarInsn(JvmTypes.load(r.local().dtype()), f.local(r.local()));
            case Expr.Load l -> {
                mv.visitVarInsn(ALOAD, f.arraySlot(l.buffer()));
                address(l.buffer(), l.index());
                mv.visitInsn(JvmTypes.arrayLoad(l.buffer().dtype()));
            }
            case Expr.Index i -> {
                idx(i.index());
                convert(DType.I32, i.dtype());
            }
            case Expr.Unary u -> {
                expr(u.x());
                unary(u.op(), u.x().dtype());
            }
            case Expr.Binary b -> {
                expr(b.a());
                expr(b.b());
                binary(b.op(), b.a().dtype());
            }
            case Expr.Compare c -> {
                expr(c.a());
                expr(c.b());
                compare(c.op(), c.a().dtype());
            }
            case Expr.Select s -> {
                Label no = new Label(), end = new Label();
                expr(s.pred());
                mv.visitJumpInsn(IFEQ, no);
                expr(s.onTrue());
                mv.visitJumpInsn(GOTO, end);
                mv.visitLabel(no);
                expr(s.onFalse());
                mv.visitLabel(end);
            }
            case Expr.Convert c -> {
                expr(c.x());
                convert(c.x().dtype(), c.to());
            }
        }
    }

    void constant(double v, DType d) {
        switch (d) {
            case F32 -> mv.visitLdcInsn((float) v);
            case F64 -> mv.visitLdcInsn(v);
            case I32 -> f.pushInt((int) v);
            case BOOL -> f.pushInt(v != 0 ? 1 : 0);
        }
    }

    void unary(UnaryOp op, DType d) {
        if (d == DType.BOOL) {
            if (op == UnaryOp.NOT) {
                f.pushInt(1);
                mv.visitInsn(IXOR);
            }
            return;
        }
        if (d == DType.I32) {
            switch (op) {
                case NEG -> mv.visitInsn(INEG);
                case ABS -> mv.visitMethodInsn(INVOKESTATIC, MATH, "abs", "(I)I", false);
                case SIGN -> mv.visitMethodInsn(INVOKESTATIC, "java/lang/Integer", "signum", "(I)I", false);
                case NOT -> {
                    f.pushInt(-1);
                    mv.visitInsn(IXOR);
                }
                case STOP_GRADIENT -> {
                }
                default -> throw new IllegalStateException(op + " on i32");
            }
            return;
        }
        switch (op) {
            case NEG -> mv.visitInsn(d == DType.F32 ? FNEG : DNEG);
            case STOP_GRADIENT -> {
            }
            case ABS -> mv.visitMethodInsn(INVOKESTATIC, MATH, "abs", d == DType.F32 ? "(F)F" : "(D)D", false);
            case SIGN -> mv.visitMethodInsn(INVOKESTATIC, MATH, "signum", d == DType.F32 ? "(F)F" : "(D)D", false);
            default -> {
                toDouble(d);
                String[] target = doubleFunction(op);
                mv.visitMethodInsn(INVOKESTATIC, target[0], target[1], "(D)D", false);
                fromDouble(d);
            }
        }
    }

    private static String[] doubleFunction(UnaryOp op) {
        return switch (op) {
            case EXP -> new String[] {MATH, "exp"};
            case LOG -> new String[] {MATH, "log"};
            case LOG1P -> new String[] {MATH, "log1p"};
            case EXPM1 -> new String[] {MATH, "expm1"};
            case TANH -> new String[] {MATH, "tanh"};
            case SQRT -> new String[] {MATH, "sqrt"};
            case SIN -> new String[] {MATH, "sin"};
            case COS -> new String[] {MATH, "cos"};
            case FLOOR -> new String[] {MATH, "floor"};
            case CEIL -> new String[] {MATH, "ceil"};
            case LOGISTIC -> new String[] {OPS, "logistic"};
            case RSQRT -> new String[] {OPS, "rsqrt"};
            case ROUND -> new String[] {OPS, "round"};
            default -> throw new IllegalStateException(op + " is not a double function");
        };
    }

    void binary(BinaryOp op, DType d) {
        switch (d) {
            case F32, F64 -> floatBinary(op, d == DType.F32);
            case I32 -> intBinary(op);
            case BOOL -> {
                switch (op) {
                    case AND -> mv.visitInsn(IAND);
                    case OR -> mv.visitInsn(IOR);
                    case XOR -> mv.visitInsn(IXOR);
                    default -> throw new IllegalStateException(op + " on bool");
                }
            }
        }
    }

    private void floatBinary(BinaryOp op, boolean f32) {
        switch (op) {
            case ADD -> mv.visitInsn(f32 ? FADD : DADD);
            case SUB -> mv.visitInsn(f32 ? FSUB : DSUB);
            case MUL -> mv.visitInsn(f32 ? FMUL : DMUL);
            case DIV -> mv.visitInsn(f32 ? FDIV : DDIV);
            case REM -> mv.visitInsn(f32 ? FREM : DREM);
            case MAX -> mv.visitMethodInsn(INVOKESTATIC, MATH, "max", f32 ? "(FF)F" : "(DD)D", false);
            case MIN -> mv.visitMethodInsn(INVOKESTATIC, MATH, "min", f32 ? "(FF)F" : "(DD)D", false);
            case POW -> {
                if (f32) {
                    // (float) Math.pow((double) a, (double) b): widen the second operand, then the first below it.
                    int b = f.fresh(1);
                    mv.visitVarInsn(FSTORE, b);
                    mv.visitInsn(F2D);
                    mv.visitVarInsn(FLOAD, b);
                    mv.visitInsn(F2D);
                    mv.visitMethodInsn(INVOKESTATIC, MATH, "pow", "(DD)D", false);
                    mv.visitInsn(D2F);
                } else {
                    mv.visitMethodInsn(INVOKESTATIC, MATH, "pow", "(DD)D", false);
                }
            }
            default -> throw new IllegalStateException(op + " on floats");
        }
    }

    private void intBinary(BinaryOp op) {
        switch (op) {
            case ADD -> mv.visitInsn(IADD);
            case SUB -> mv.visitInsn(ISUB);
            case MUL -> mv.visitInsn(IMUL);
            case DIV -> mv.visitMethodInsn(INVOKESTATIC, OPS, "div", "(II)I", false);
            case REM -> mv.visitMethodInsn(INVOKESTATIC, OPS, "rem", "(II)I", false);
            case MAX -> mv.visitMethodInsn(INVOKESTATIC, MATH, "max", "(II)I", false);
            case MIN -> mv.visitMethodInsn(INVOKESTATIC, MATH, "min", "(II)I", false);
            case AND -> mv.visitInsn(IAND);
            case OR -> mv.visitInsn(IOR);
            case XOR -> mv.visitInsn(IXOR);
            case SHIFT_LEFT -> mv.visitInsn(ISHL);
            case SHIFT_RIGHT_LOGICAL -> mv.visitInsn(IUSHR);
            case SHIFT_RIGHT_ARITHMETIC -> mv.visitInsn(ISHR);
            case POW -> throw new IllegalStateException("pow on i32");
        }
    }

    /** Two operands of {@code d} on the stack become a 0/1 int. NaN compares false except with {@code ne}. */
    void compare(CompareOp op, DType d) {
        Label yes = new Label(), end = new Label();
        if (d == DType.I32 || d == DType.BOOL) {
            mv.visitJumpInsn(switch (op) {
                case EQ -> IF_ICMPEQ;
                case NE -> IF_ICMPNE;
                case LT -> IF_ICMPLT;
                case LE -> IF_ICMPLE;
                case GT -> IF_ICMPGT;
                case GE -> IF_ICMPGE;
            }, yes);
        } else {
            boolean f32 = d == DType.F32;
            // cmpg makes NaN +1 (so lt/le fail), cmpl makes it -1 (so gt/ge fail); eq/ne see it unequal either way.
            boolean g = op == CompareOp.LT || op == CompareOp.LE;
            mv.visitInsn(f32 ? (g ? FCMPG : FCMPL) : (g ? DCMPG : DCMPL));
            mv.visitJumpInsn(switch (op) {
                case EQ -> IFEQ;
                case NE -> IFNE;
                case LT -> IFLT;
                case LE -> IFLE;
                case GT -> IFGT;
                case GE -> IFGE;
            }, yes);
        }
        f.pushInt(0);
        mv.visitJumpInsn(GOTO, end);
        mv.visitLabel(yes);
        f.pushInt(1);
        mv.visitLabel(end);
    }

    void convert(DType from, DType to) {
        if (from == to) {
            return;
        }
        if (to == DType.BOOL) {
            switch (from) {
                case F32 -> {
                    mv.visitInsn(FCONST_0);
                    mv.visitInsn(FCMPL);
                }
                case F64 -> {
                    mv.visitInsn(DCONST_0);
                    mv.visitInsn(DCMPL);
                }
                default -> {
                }
            }
            Label zero = new Label(), end = new Label();
            mv.visitJumpInsn(IFEQ, zero);
            f.pushInt(1);
            mv.visitJumpInsn(GOTO, end);
            mv.visitLabel(zero);
            f.pushInt(0);
            mv.visitLabel(end);
            return;
        }
        DType src = from == DType.BOOL ? DType.I32 : from;
        if (src == to) {
            return;
        }
        int op = switch (src) {
            case F32 -> to == DType.F64 ? F2D : F2I;
            case F64 -> to == DType.F32 ? D2F : D2I;
            case I32 -> to == DType.F32 ? I2F : I2D;
            default -> throw new IllegalStateException();
        };
        mv.visitInsn(op);
    }

    void toDouble(DType d) {
        if (d == DType.F32) {
            mv.visitInsn(F2D);
        } else if (d == DType.I32 || d == DType.BOOL) {
            mv.visitInsn(I2D);
        }
    }

    void fromDouble(DType d) {
        if (d == DType.F32) {
            mv.visitInsn(D2F);
        }
    }
}
