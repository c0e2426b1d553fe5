package dev.kiln.ir.kernel;

import dev.kiln.ir.TensorType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A loop kernel's body with its identities replaced by positions: buffer {@code i} of the
 * kernel's parameter list becomes parameter {@code i} (its dtype kept, its shape and name
 * dropped), locals and loop variables are numbered in order of appearance. Two kernels with equal
 * canonical forms compute the same thing on their own buffers, so a backend may key generated code
 * by this value (record equality) and skip generating it again. Rebase the kernel first
 * ({@link RebasedKernel}) so constant address parts do not tell equal kernels apart.
 *
 * @param params the canonical parameters, {@code params.get(i).id() == i}
 */
public record CanonicalKernel(List<Stmt> body, List<BufferRef> params) {
    public CanonicalKernel {
        body = List.copyOf(body);
        params = List.copyOf(params);
    }

    /** {@code kernel}'s body with {@code params} (every buffer it touches) as parameters 0, 1, ... */
    public static CanonicalKernel of(LoopKernel kernel, List<BufferRef> params) {
        Renaming r = new Renaming();
        List<BufferRef> canon = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            BufferRef p = new BufferRef(i, "p" + i, TensorType.scalar(params.get(i).dtype()), BufferRef.Kind.VALUE);
            r.buffers.put(params.get(i), p);
            canon.add(p);
        }
        return new CanonicalKernel(r.stmts(kernel.body()), canon);
    }

    /** A loop kernel with this body, reading and writing its parameters, for a code generator. */
    public LoopKernel kernel(String name) {
        return new LoopKernel(name, params, List.of(), List.of(), body, List.of());
    }

    private static final class Renaming {
        final Map<BufferRef, BufferRef> buffers = new HashMap<>();
        final Map<Local, Local> locals = new HashMap<>();
        final Map<LoopVar, LoopVar> vars = new HashMap<>();

        List<Stmt> stmts(List<Stmt> body) {
            List<Stmt> out = new ArrayList<>(body.size());
            for (Stmt s : body) {
                out.add(stmt(s));
            }
            return out;
        }

        Stmt stmt(Stmt s) {
            return switch (s) {
                case Stmt.Loop l -> {
                    LoopVar v = var(l.var());
                    yield new Stmt.Loop(v, l.parallel(), l.contiguous(), stmts(l.body()));
                }
                case Stmt.Assign a -> {
                    Expr e = expr(a.value());
                    yield new Stmt.Assign(local(a.local()), e);
                }
                case Stmt.Accumulate a -> {
                    Expr e = expr(a.value());
                    yield new Stmt.Accumulate(local(a.acc()), a.op(), e);
                }
                case Stmt.ArgMaxUpdate a -> {
                    Expr e = expr(a.value());
                    yield new Stmt.ArgMaxUpdate(local(a.best()), local(a.bestIndex()), e, idx(a.position()));
                }
                case Stmt.Store st -> new Stmt.Store(buffer(st.buffer()), idx(st.index()), expr(st.value()));
                case Stmt.If i -> new Stmt.If(cond(i.cond()), stmts(i.then()), stmts(i.otherwise()));
            };
        }

        Expr expr(Expr e) {
            return switch (e) {
                case Expr.Const c -> c;
                case Expr.Read r -> new Expr.Read(local(r.local()));
                case Expr.Load l -> new Expr.Load(buffer(l.buffer()), idx(l.index()));
                case Expr.Index i -> new Expr.Index(idx(i.index()), i.dtype());
                case Expr.Unary u -> new Expr.Unary(u.op(), expr(u.x()));
                case Expr.Binary b -> new Expr.Binary(b.op(), expr(b.a()), expr(b.b()));
                case Expr.Compare c -> new Expr.Compare(c.op(), expr(c.a()), expr(c.b()));
                case Expr.Select s -> new Expr.Select(expr(s.pred()), expr(s.onTrue()), expr(s.onFalse()));
                case Expr.Convert c -> new Expr.Convert(c.to(), expr(c.x()));
            };
        }

        Cond cond(Cond c) {
            List<Cond.Clause> out = new ArrayList<>();
            for (Cond.Clause cl : c.clauses()) {
                out.add(switch (cl) {
                    case Cond.AtLeast a -> new Cond.AtLeast(idx(a.index()), a.bound());
                    case Cond.Below b -> new Cond.Below(idx(b.index()), b.bound());
                    case Cond.Divisible d -> new Cond.Divisible(idx(d.index()), d.divisor());
                });
            }
            return new Cond(out);
        }

        Idx idx(Idx i) {
            if (i.isConstant()) {
                return i;
            }
            Map<Idx.Atom, Integer> terms = new LinkedHashMap<>();
            i.terms().forEach((a, c) -> terms.put(atom(a), c));
            return new Idx(terms, i.constant());
        }

        Idx.Atom atom(Idx.Atom a) {
            return switch (a) {
                case LoopVar v -> var(v);
                case Idx.Div d -> new Idx.Div(idx(d.numerator()), d.divisor());
                case Idx.Mod m -> new Idx.Mod(idx(m.numerator()), m.divisor());
            };
        }

        BufferRef buffer(BufferRef b) {
            BufferRef p = buffers.get(b);
            if (p == null) {
                throw new IllegalArgumentException("buffer " + b + " is not a parameter of the kernel");
            }
            return p;
        }

        Local local(Local l) {
            return locals.computeIfAbsent(l, x -> new Local(locals.size(), x.dtype(), "t" + locals.size()));
        }

        LoopVar var(LoopVar v) {
            return vars.computeIfAbsent(v, x -> new LoopVar(vars.size(), "v" + vars.size(), x.extent()));
        }
    }
}
