package dev.kiln.codegen.jvm.gen;

import dev.kiln.ir.DType;
import dev.kiln.ir.kernel.Expr;
import dev.kiln.ir.kernel.Idx;
import dev.kiln.ir.kernel.KernelWalk;
import dev.kiln.ir.kernel.Local;
import dev.kiln.ir.kernel.LoopKernel;
import dev.kiln.ir.kernel.LoopVar;
import dev.kiln.ir.kernel.ReduceOp;
import dev.kiln.ir.kernel.Stmt;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.UnaryOp;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides whether and how the kernel's contiguous loop is rendered with the Vector API:
 *
 * <ul>
 *   <li>{@code MAP}: each vector iteration computes {@code LANES} consecutive elements of the
 *       loop and stores them; nested loops inside it (the reduced loops of a reduction over
 *       leading dimensions) run once per vector, their accumulators being vectors;</li>
 *   <li>{@code REDUCE}: the loop only accumulates into accumulators defined outside it, which
 *       become vector partial sums (or maxima) combined across lanes after the loop.</li>
 * </ul>
 *
 * Values that depend on the loop variable ("varying") are vectors; the others stay scalars and
 * are broadcast where they meet a vector. A loop is vectorised only when every varying load and
 * store is unit-stride, every varying operation has a vector form, and all varying values share
 * one element size (f32/i32, or f64), bools being masks of that shape; otherwise the kernel stays
 * scalar (HotSpot may still auto-vectorise it).
 */
final class VectorPlan {
    enum Mode {
        MAP, REDUCE
    }

    final Stmt.Loop loop;
    final Mode mode;
    /** The one non-bool dtype of every varying value. */
    final DType element;
    final Set<Local> varying;
    /** REDUCE mode: the accumulators updated in the loop (defined before it). */
    final List<Local> accumulators;

    private VectorPlan(Stmt.Loop loop, Mode mode, DType element, Set<Local> varying, List<Local> accumulators) {
        this.loop = loop;
        this.mode = mode;
        this.element = element;
        this.varying = varying;
        this.accumulators = accumulators;
    }

    LoopVar var() {
        return loop.var();
    }

    /** The plan for {@code kernel}'s contiguous loop, or null if it stays scalar. */
    static VectorPlan of(LoopKernel kernel) {
        Stmt.Loop l = contiguousLoop(kernel.body());
        if (l == null || l.var().extent() < 2) {
            return null;
        }
        return analyse(l);
    }

    private static Stmt.Loop contiguousLoop(List<Stmt> body) {
        for (Stmt s : body) {
            if (s instanceof Stmt.Loop l) {
                if (l.contiguous()) {
                    return l;
                }
                Stmt.Loop inner = contiguousLoop(l.body());
                if (inner != null) {
                    return inner;
                }
            }
        }
        return null;
    }

    private static VectorPlan analyse(Stmt.Loop l) {
        Set<Local> assignedInside = new HashSet<>();
        collectAssigned(l.body(), assignedInside);
        List<Local> external = new ArrayList<>();
        boolean[] ok = {true};
        boolean[] stores = {false};
        walk(l.body(), s -> {
            switch (s) {
                case Stmt.Accumulate a -> {
                    if (!assignedInside.contains(a.acc()) && !external.contains(a.acc())) {
                        external.add(a.acc());
                    }
                }
                case Stmt.ArgMaxUpdate a -> ok[0] = false;
                case Stmt.If i -> ok[0] = false;
                case Stmt.Store st -> stores[0] = true;
                default -> {
                }
            }
        });
        if (!ok[0]) {
            return null;
        }
        Mode mode;
        if (!external.isEmpty()) {
            boolean flat = l.body().stream().allMatch(s -> s instanceof Stmt.Assign || s instanceof Stmt.Accumulate);
            if (!flat || stores[0]) {
                return null;
            }
            mode = Mode.REDUCE;
        } else if (stores[0]) {
            mode = Mode.MAP;
        } else {
            return null;
        }
        Set<Local> varying = varyingLocals(l, external, mode);
        if (varying == null) {
            return null;
        }
        DType element = checkTypes(l, varying, external);
        if (element == null) {
            return null;
        }
        return new VectorPlan(l, mode, element, varying, external);
    }

    private static void collectAssigned(List<Stmt> body, Set<Local> out) {
        walk(body, s -> {
            if (s instanceof Stmt.Assign a) {
                out.add(a.local());
            }
        });
    }

    private static void walk(List<Stmt> body, java.util.function.Consumer<Stmt> f) {
        for (Stmt s : body) {
            f.accept(s);
            if (s instanceof Stmt.Loop l) {
                walk(l.body(), f);
            } else if (s instanceof Stmt.If i) {
                walk(i.then(), f);
                walk(i.otherwise(), f);
            }
        }
    }

    /** The locals holding vectors (a fixed point: a local is varying once any value it takes is), or null if a value cannot vectorise. */
    private static Set<Local> varyingLocals(Stmt.Loop l, List<Local> external, Mode mode) {
        Set<Local> varying = new HashSet<>();
        if (mode == Mode.REDUCE) {
            varying.addAll(external);
        }
        boolean changed = true;
        boolean[] bad = {false};
        while (changed) {
            int before = varying.size();
            walk(l.body(), s -> {
                switch (s) {
                    case Stmt.Assign a -> {
                        if (isVarying(a.value(), l.var(), varying, bad)) {
                            varying.add(a.local());
                        }
                    }
                    case Stmt.Accumulate a -> {
                        if (isVarying(a.value(), l.var(), varying, bad)) {
                            varying.add(a.acc());
                        }
                    }
                    case Stmt.Store st -> {
                        Idx i = st.index();
                        if (!i.affineIn(l.var()) || i.coefficient(l.var()) != 1) {
                            bad[0] = true;
                        }
                        isVarying(st.value(), l.var(), varying, bad);
                    }
                    default -> {
                    }
                }
            });
            changed = varying.size() != before;
        }
        return bad[0] ? null : varying;
    }

    /** Whether {@code e} varies with {@code v}; sets {@code bad} if it does and has no vector form. */
    static boolean isVarying(Expr e, LoopVar v, Set<Local> varying, boolean[] bad) {
        return switch (e) {
            case Expr.Const c -> false;
            case Expr.Read r -> varying.contains(r.local());
            case Expr.Load ld -> {
                if (!ld.index().uses(v)) {
                    yield false;
                }
                if (!ld.index().affineIn(v) || ld.index().coefficient(v) != 1) {
                    bad[0] = true;
                }
                yield true;
            }
            case Expr.Index i -> {
                if (i.index().uses(v)) {
                    bad[0] = true;
                    yield true;
                }
                yield false;
            }
            case Expr.Unary u -> {
                boolean vary = isVarying(u.x(), v, varying, bad);
                if (vary && !vectorUnary(u.op(), u.x().dtype())) {
                    bad[0] = true;
                }
                yield vary;
            }
            case Expr.Binary b -> {
                boolean vary = isVarying(b.a(), v, varying, bad) | isVarying(b.b(), v, varying, bad);
                if (vary && !vectorBinary(b.op(), b.a().dtype())) {
                    bad[0] = true;
                }
                yield vary;
            }
            case Expr.Compare c -> {
                boolean vary = isVarying(c.a(), v, varying, bad) | isVarying(c.b(), v, varying, bad);
                if (vary && c.a().dtype() == DType.BOOL) {
                    bad[0] = true;
                }
                yield vary;
            }
            case Expr.Select s -> {
                boolean vary = isVarying(s.pred(), v, varying, bad) | isVarying(s.onTrue(), v, varying, bad)
                        | isVarying(s.onFalse(), v, varying, bad);
                if (vary && s.dtype() == DType.BOOL) {
                    bad[0] = true;
                }
                yield vary;
            }
            case Expr.Convert c -> {
                boolean vary = isVarying(c.x(), v, varying, bad);
                if (vary && c.x().dtype() != c.to() && !(c.x().dtype() == DType.I32 && c.to() == DType.F32)) {
                    bad[0] = true;
                }
                yield vary;
            }
        };
    }

    static boolean vectorUnary(UnaryOp op, DType d) {
        return switch (d) {
            case F32, F64 -> switch (op) {
                case NEG, ABS, EXP, LOG, LOG1P, EXPM1, TANH, SQRT, SIN, COS, LOGISTIC, RSQRT, STOP_GRADIENT -> true;
                default -> false;
            };
            case I32 -> op == UnaryOp.NEG || op == UnaryOp.ABS || op == UnaryOp.NOT || op == UnaryOp.STOP_GRADIENT;
            case BOOL -> op == UnaryOp.NOT || op == UnaryOp.STOP_GRADIENT;
        };
    }

    static boolean vectorBinary(BinaryOp op, DType d) {
        return switch (d) {
            case F32, F64 -> switch (op) {
                case ADD, SUB, MUL, DIV, MAX, MIN, POW -> true;
                default -> false;
            };
            case I32 -> switch (op) {
                case ADD, SUB, MUL, MAX, MIN, AND, OR, XOR, SHIFT_LEFT, SHIFT_RIGHT_LOGICAL, SHIFT_RIGHT_ARITHMETIC -> true;
                default -> false;
            };
            case BOOL -> op == BinaryOp.AND || op == BinaryOp.OR || op == BinaryOp.XOR;
        };
    }

    /** The one non-bool element type of every varying value and accumulator, or null if they mix sizes. */
    private static DType checkTypes(Stmt.Loop l, Set<Local> varying, List<Local> external) {
        Set<DType> types = new HashSet<>();
        for (Local x : varying) {
            types.add(x.dtype());
        }
        KernelWalk.exprs(l.body(), e -> {
            if (e instanceof Expr.Load ld && ld.index().uses(l.var())) {
                types.add(ld.dtype());
            }
            if (e instanceof Expr.Compare c) {
                types.add(c.a().dtype());
            }
        });
        walk(l.body(), s -> {
            if (s instanceof Stmt.Store st) {
                types.add(st.buffer().dtype());
            }
            if (s instanceof Stmt.Accumulate a && (a.op() != ReduceOp.SUM && a.op() != ReduceOp.MAX)) {
                types.add(null);
            }
        });
        boolean boolValues = types.remove(DType.BOOL);
        if (types.isEmpty() || types.contains(null)) {
            return null;
        }
        if (types.size() > 1) {
            // i32 and f32 lanes line up (same size, so the same lane count), which lets random
            // bits become floats in one vector loop; masks would need casting between the two
            // species, so a loop that mixes types must not compare or select.
            if (!Set.of(DType.I32, DType.F32).containsAll(types) || boolValues || usesMasks(l)) {
                return null;
            }
            return DType.F32;
        }
        for (Local acc : external) {
            if (acc.dtype() == DType.BOOL) {
                return null;
            }
        }
        return types.iterator().next();
    }

    /** Whether the loop compares or selects (the values that become vector masks). */
    private static boolean usesMasks(Stmt.Loop l) {
        boolean[] found = {false};
        KernelWalk.exprs(l.body(), e -> {
            if (e instanceof Expr.Compare || e instanceof Expr.Select) {
                found[0] = true;
            }
        });
        return found[0];
    }
}
