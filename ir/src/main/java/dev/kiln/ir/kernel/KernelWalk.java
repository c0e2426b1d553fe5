package dev.kiln.ir.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/** Traversals of kernel IR shared by the passes: visiting and rewriting every index expression, every expression. */
public final class KernelWalk {
    private KernelWalk() {
    }

    /** Calls {@code f} on every expression (and sub-expression) in {@code body}. */
    public static void exprs(List<Stmt> body, Consumer<Expr> f) {
        for (Stmt s : body) {
            switch (s) {
                case Stmt.Loop l -> exprs(l.body(), f);
                case Stmt.Assign a -> expr(a.value(), f);
                case Stmt.Accumulate a -> expr(a.value(), f);
                case Stmt.ArgMaxUpdate a -> expr(a.value(), f);
                case Stmt.Store st -> expr(st.value(), f);
                case Stmt.If i -> {
                    exprs(i.then(), f);
                    exprs(i.otherwise(), f);
                }
            }
        }
    }

    public static void expr(Expr e, Consumer<Expr> f) {
        f.accept(e);
        switch (e) {
            case Expr.Unary u -> expr(u.x(), f);
            case Expr.Binary b -> {
                expr(b.a(), f);
                expr(b.b(), f);
            }
            case Expr.Compare c -> {
                expr(c.a(), f);
                expr(c.b(), f);
            }
            case Expr.Select s -> {
                expr(s.pred(), f);
                expr(s.onTrue(), f);
                expr(s.onFalse(), f);
            }
            case Expr.Convert c -> expr(c.x(), f);
            default -> {
            }
        }
    }

    /** Calls {@code f} on every index expression in {@code body} (loads, stores, iota values, guards, argmax positions). */
    public static void indices(List<Stmt> body, Consumer<Idx> f) {
        for (Stmt s : body) {
            switch (s) {
                case Stmt.Loop l -> indices(l.body(), f);
                case Stmt.Store st -> f.accept(st.index());
                case Stmt.ArgMaxUpdate a -> f.accept(a.position());
                case Stmt.If i -> {
                    for (Cond.Clause c : i.cond().clauses()) {
                        f.accept(clauseIndex(c));
                    }
                    indices(i.then(), f);
                    indices(i.otherwise(), f);
                }
                default -> {
                }
            }
        }
        exprs(body, e -> {
            if (e instanceof Expr.Load l) {
                f.accept(l.index());
            } else if (e instanceof Expr.Index i) {
                f.accept(i.index());
            }
        });
    }

    static Idx clauseIndex(Cond.Clause c) {
        return switch (c) {
            case Cond.AtLeast a -> a.index();
            case Cond.Below b -> b.index();
            case Cond.Divisible d -> d.index();
        };
    }

    /** {@code body} with every index expression replaced by {@code f} of it. */
    public static List<Stmt> mapIndices(List<Stmt> body, UnaryOperator<Idx> f) {
        List<Stmt> out = new ArrayList<>(body.size());
        for (Stmt s : body) {
            out.add(switch (s) {
                case Stmt.Loop l -> new Stmt.Loop(l.var(), l.parallel(), l.contiguous(), mapIndices(l.body(), f));
                case Stmt.Assign a -> new Stmt.Assign(a.local(), mapExpr(a.value(), f));
                case Stmt.Accumulate a -> new Stmt.Accumulate(a.acc(), a.op(), mapExpr(a.value(), f));
                case Stmt.ArgMaxUpdate a -> new Stmt.ArgMaxUpdate(a.best(), a.bestIndex(), mapExpr(a.value(), f), f.apply(a.position()));
                case Stmt.Store st -> new Stmt.Store(st.buffer(), f.apply(st.index()), mapExpr(st.value(), f));
                case Stmt.If i -> new Stmt.If(mapCond(i.cond(), f), mapIndices(i.then(), f), mapIndices(i.otherwise(), f));
            });
        }
        return out;
    }

    private static Cond mapCond(Cond c, UnaryOperator<Idx> f) {
        List<Cond.Clause> out = new ArrayList<>();
        for (Cond.Clause cl : c.clauses()) {
            out.add(switch (cl) {
                case Cond.AtLeast a -> new Cond.AtLeast(f.apply(a.index()), a.bound());
                case Cond.Below b -> new Cond.Below(f.apply(b.index()), b.bound());
                case Cond.Divisible d -> new Cond.Divisible(f.apply(d.index()), d.divisor());
            });
        }
        return new Cond(out);
    }

    public static Expr mapExpr(Expr e, UnaryOperator<Idx> f) {
        return mapExpr(e, f, (b, i) -> f.apply(i));
    }

    /**
     * Calls {@code f} on the buffer and index of every load and store, in the order
     * {@link #mapAccesses} visits them (a store's own index before the loads of its value).
     */
    public static void accesses(List<Stmt> body, BiConsumer<BufferRef, Idx> f) {
        Consumer<Expr> loads = e -> {
            if (e instanceof Expr.Load l) {
                f.accept(l.buffer(), l.index());
            }
        };
        for (Stmt s : body) {
            switch (s) {
                case Stmt.Loop l -> accesses(l.body(), f);
                case Stmt.Assign a -> expr(a.value(), loads);
                case Stmt.Accumulate a -> expr(a.value(), loads);
                case Stmt.ArgMaxUpdate a -> expr(a.value(), loads);
                case Stmt.Store st -> {
                    f.accept(st.buffer(), st.index());
                    expr(st.value(), loads);
                }
                case Stmt.If i -> {
                    accesses(i.then(), f);
                    accesses(i.otherwise(), f);
                }
            }
        }
    }

    /**
     * {@code body} with the index of every load and store replaced by {@code f} of its buffer and
     * index (other index expressions, of guards and iota, stay).
     */
    public static List<Stmt> mapAccesses(List<Stmt> body, BiFunction<BufferRef, Idx, Idx> f) {
        UnaryOperator<Idx> same = UnaryOperator.identity();
        List<Stmt> out = new ArrayList<>(body.size());
        for (Stmt s : body) {
            out.add(switch (s) {
                case Stmt.Loop l -> new Stmt.Loop(l.var(), l.parallel(), l.contiguous(), mapAccesses(l.body(), f));
                case Stmt.Assign a -> new Stmt.Assign(a.local(), mapExpr(a.value(), same, f));
                case Stmt.Accumulate a -> new Stmt.Accumulate(a.acc(), a.op(), mapExpr(a.value(), same, f));
                case Stmt.ArgMaxUpdate a -> new Stmt.ArgMaxUpdate(a.best(), a.bestIndex(), mapExpr(a.value(), same, f), a.position());
                case Stmt.Store st -> new Stmt.Store(st.buffer(), f.apply(st.buffer(), st.index()), mapExpr(st.value(), same, f));
                case Stmt.If i -> new Stmt.If(i.cond(), mapAccesses(i.then(), f), mapAccesses(i.otherwise(), f));
            });
        }
        return out;
    }

    private static Expr mapExpr(Expr e, UnaryOperator<Idx> f, BiFunction<BufferRef, Idx, Idx> load) {
        return switch (e) {
            case Expr.Load l -> new Expr.Load(l.buffer(), load.apply(l.buffer(), l.index()));
            case Expr.Index i -> new Expr.Index(f.apply(i.index()), i.dtype());
            case Expr.Unary u -> new Expr.Unary(u.op(), mapExpr(u.x(), f, load));
            case Expr.Binary b -> new Expr.Binary(b.op(), mapExpr(b.a(), f, load), mapExpr(b.b(), f, load));
            case Expr.Compare c -> new Expr.Compare(c.op(), mapExpr(c.a(), f, load), mapExpr(c.b(), f, load));
            case Expr.Select s -> new Expr.Select(mapExpr(s.pred(), f, load), mapExpr(s.onTrue(), f, load), mapExpr(s.onFalse(), f, load));
            case Expr.Convert c -> new Expr.Convert(c.to(), mapExpr(c.x(), f, load));
            case Expr.Const c -> c;
            case Expr.Read r -> r;
        };
    }

    /** {@code body} with the buffer of every load and store replaced by {@code f} of it. */
    public static List<Stmt> mapBuffers(List<Stmt> body, UnaryOperator<BufferRef> f) {
        List<Stmt> out = new ArrayList<>(body.size());
        for (Stmt s : body) {
            out.add(switch (s) {
                case Stmt.Loop l -> new Stmt.Loop(l.var(), l.parallel(), l.contiguous(), mapBuffers(l.body(), f));
                case Stmt.Assign a -> new Stmt.Assign(a.local(), mapBuffers(a.value(), f));
                case Stmt.Accumulate a -> new Stmt.Accumulate(a.acc(), a.op(), mapBuffers(a.value(), f));
                case Stmt.ArgMaxUpdate a -> new Stmt.ArgMaxUpdate(a.best(), a.bestIndex(), mapBuffers(a.value(), f), a.position());
                case Stmt.Store st -> new Stmt.Store(f.apply(st.buffer()), st.index(), mapBuffers(st.value(), f));
                case Stmt.If i -> new Stmt.If(i.cond(), mapBuffers(i.then(), f), mapBuffers(i.otherwise(), f));
            });
        }
        return out;
    }

    private static Expr mapBuffers(Expr e, UnaryOperator<BufferRef> f) {
        return switch (e) {
            case Expr.Load l -> new Expr.Load(f.apply(l.buffer()), l.index());
            case Expr.Unary u -> new Expr.Unary(u.op(), mapBuffers(u.x(), f));
            case Expr.Binary b -> new Expr.Binary(b.op(), mapBuffers(b.a(), f), mapBuffers(b.b(), f));
            case Expr.Compare c -> new Expr.Compare(c.op(), mapBuffers(c.a(), f), mapBuffers(c.b(), f));
            case Expr.Select s -> new Expr.Select(mapBuffers(s.pred(), f), mapBuffers(s.onTrue(), f), mapBuffers(s.onFalse(), f));
            case Expr.Convert c -> new Expr.Convert(c.to(), mapBuffers(c.x(), f));
            case Expr.Index i -> i;
            case Expr.Const c -> c;
            case Expr.Read r -> r;
        };
    }
}
