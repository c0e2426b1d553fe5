package dev.kiln.codegen.ptx;

import dev.kiln.ir.DType;
import dev.kiln.ir.device.DeviceMemory;
import dev.kiln.ir.device.LoopMapping;
import dev.kiln.ir.kernel.Cond;
import dev.kiln.ir.kernel.Expr;
import dev.kiln.ir.kernel.Idx;
import dev.kiln.ir.kernel.Local;
import dev.kiln.ir.kernel.LoopKernel;
import dev.kiln.ir.kernel.LoopVar;
import dev.kiln.ir.kernel.ReduceOp;
import dev.kiln.ir.kernel.Stmt;
import dev.kiln.ir.prim.BinaryOp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a loop kernel as a PTX kernel, mapped as {@link LoopMapping} decides: grid-stride loops
 * over all threads ({@code GRID}), blocks striding over the parallel loops with their threads
 * splitting each reduction loop and combining partial accumulators with a shared-memory tree
 * ({@code GROUP}), or one thread ({@code SERIAL}). Every local of the kernel IR is one virtual
 * register; expressions are evaluated into fresh registers as they are met.
 */
final class PtxLoopKernel {
    static final int GRID_THREADS = 256;
    static final int GROUP_THREADS = 128;
    static final int MAX_BLOCKS = 8192;

    private final LoopKernel source;
    private final LoopMapping mapping;
    private final PtxKernel k;
    private final PtxBuilder b;
    private final PtxOps ops;
    private final Map<Local, Reg> locals = new HashMap<>();
    private final Map<LoopVar, Reg> vars = new HashMap<>();
    private final Map<Local, String[]> scratch = new HashMap<>();
    private Reg gid, gsz, lid, grp, ngrp;

    private PtxLoopKernel(LoopKernel source, String name, DeviceMemory memory) {
        this.source = source;
        this.mapping = LoopMapping.of(source);
        this.k = new PtxKernel(name, memory, DeviceMemory.touched(source), false);
        this.b = k.b;
        this.ops = new PtxOps(b);
    }

    static PtxRendered render(LoopKernel source, String name, DeviceMemory memory) {
        return new PtxLoopKernel(source, name, memory).render();
    }

    private PtxRendered render() {
        b.comment(source.name() + ": " + mapping.mode().name().toLowerCase(java.util.Locale.ROOT) + " mapping");
        switch (mapping.mode()) {
            case SERIAL -> {
            }
            case GRID -> {
                gid = k.globalId();
                gsz = k.globalSize();
            }
            case GROUP -> {
                lid = k.special("%tid.x");
                grp = k.special("%ctaid.x");
                ngrp = k.special("%nctaid.x");
                for (LoopMapping.Combine c : mapping.allCombines()) {
                    switch (c) {
                        case LoopMapping.Fold f -> scratch.put(f.acc(), new String[]{k.sharedArray("red" + f.acc().id(), PtxType.of(f.acc().dtype()), GROUP_THREADS)});
                        case LoopMapping.ArgMaxFold a -> scratch.put(a.best(), new String[]{
                                k.sharedArray("red" + a.best().id(), PtxType.of(a.best().dtype()), GROUP_THREADS),
                                k.sharedArray("red" + a.index().id(), PtxType.B32, GROUP_THREADS)});
                    }
                }
            }
        }
        stmts(source.body(), true, false);
        long blocks = Math.min(MAX_BLOCKS, switch (mapping.mode()) {
            case SERIAL -> 1;
            case GRID -> (mapping.gridExtent() + GRID_THREADS - 1) / GRID_THREADS;
            case GROUP -> mapping.gridExtent();
        });
        int threads = switch (mapping.mode()) {
            case SERIAL -> 1;
            case GRID -> GRID_THREADS;
            case GROUP -> GROUP_THREADS;
        };
        return new PtxRendered(k, PtxLaunch.linear(k, blocks, threads));
    }

    // ---- statements ----

    private void stmts(List<Stmt> ss, boolean top, boolean inGrid) {
        for (Stmt s : ss) {
            stmt(s, top, inGrid);
        }
    }

    private void stmt(Stmt s, boolean top, boolean inGrid) {
        switch (s) {
            case Stmt.Loop l -> loop(l, top, inGrid);
            case Stmt.Assign a -> b.set(local(a.local()), expr(a.value()).toString());
            case Stmt.Accumulate a -> b.set(local(a.acc()), fold(a.op(), a.acc().dtype(), local(a.acc()), expr(a.value())).toString());
            case Stmt.ArgMaxUpdate a -> {
                Reg v = expr(a.value()), best = local(a.best()), index = local(a.bestIndex());
                Reg better = b.setp("gt." + PtxType.arith(a.best().dtype()), v, best);
                if (a.best().dtype().isFloating()) {
                    PtxType t = PtxType.of(a.best().dtype());
                    better = b.or(better, b.and(ops.math.isNan(t, v), b.not(ops.math.isNan(t, best))));
                }
                Reg pos = idx(a.position());
                b.set(best, b.selp(PtxType.of(a.best().dtype()), v, best, better).toString());
                b.set(index, b.selp(PtxType.B32, pos, index, better).toString());
            }
            case Stmt.Store st -> {
                Reg guard = storeGuard(inGrid);
                Runnable store = () -> k.store(st.buffer(), idx(st.index()), expr(st.value()));
                if (guard == null) {
                    store.run();
                } else {
                    b.when(guard, store);
                }
            }
            case Stmt.If i -> {
                Reg p = cond(i.cond());
                if (i.otherwise().isEmpty()) {
                    b.when(p, () -> stmts(i.then(), false, inGrid));
                } else {
                    b.ifElse(p, () -> stmts(i.then(), false, inGrid), () -> stmts(i.otherwise(), false, inGrid));
                }
            }
        }
    }

    /** Outside the grid loops every thread computes the same values; one stores them. */
    private Reg storeGuard(boolean inGrid) {
        return switch (mapping.mode()) {
            case SERIAL -> null;
            case GRID -> inGrid ? null : b.setp("eq.s32", gid, 0);
            case GROUP -> inGrid ? b.setp("eq.s32", lid, 0) : b.and(b.setp("eq.s32", lid, 0), b.setp("eq.s32", grp, 0));
        };
    }

    private void loop(Stmt.Loop l, boolean top, boolean inGrid) {
        Reg v = var(l.var());
        int n = l.var().extent();
        if (top && mapping.isGridLoop(l)) {
            boolean group = mapping.mode() == LoopMapping.Mode.GROUP;
            b.loop(v, group ? grp : gid, n, group ? ngrp : gsz, () -> stmts(l.body(), false, true));
            return;
        }
        List<LoopMapping.Combine> combines = mapping.mode() == LoopMapping.Mode.GROUP ? mapping.combines(l) : null;
        if (combines == null) {
            b.loop(v, 0, n, 1, () -> stmts(l.body(), false, inGrid));
            return;
        }
        b.loop(v, lid, n, GROUP_THREADS, () -> stmts(l.body(), false, inGrid));
        combine(combines);
    }

    /** The shared-memory tree over the block's partial accumulators; every thread continues with the total. */
    private void combine(List<LoopMapping.Combine> combines) {
        for (LoopMapping.Combine c : combines) {
            switch (c) {
                case LoopMapping.Fold f -> storeShared(scratch.get(f.acc())[0], f.acc().dtype(), lid, local(f.acc()));
                case LoopMapping.ArgMaxFold a -> {
                    storeShared(scratch.get(a.best())[0], a.best().dtype(), lid, local(a.best()));
                    storeShared(scratch.get(a.best())[1], DType.I32, lid, local(a.index()));
                }
            }
        }
        b.op("bar.sync 0");
        for (int s = GROUP_THREADS / 2; s > 0; s /= 2) {
            int stride = s;
            Reg other = b.addInt(lid, stride);
            b.when(b.setp("lt.s32", lid, stride), () -> {
                for (LoopMapping.Combine c : combines) {
                    switch (c) {
                        case LoopMapping.Fold f -> {
                            String sym = scratch.get(f.acc())[0];
                            Reg mine = loadShared(sym, f.acc().dtype(), lid), theirs = loadShared(sym, f.acc().dtype(), other);
                            storeShared(sym, f.acc().dtype(), lid, fold(f.op(), f.acc().dtype(), mine, theirs));
                        }
                        case LoopMapping.ArgMaxFold a -> combineArgMax(a, other);
                    }
                }
            });
            b.op("bar.sync 0");
        }
        for (LoopMapping.Combine c : combines) {
            switch (c) {
                case LoopMapping.Fold f -> b.set(local(f.acc()), loadShared(scratch.get(f.acc())[0], f.acc().dtype(), 0).toString());
                case LoopMapping.ArgMaxFold a -> {
                    b.set(local(a.best()), loadShared(scratch.get(a.best())[0], a.best().dtype(), 0).toString());
                    b.set(local(a.index()), loadShared(scratch.get(a.best())[1], DType.I32, 0).toString());
                }
            }
        }
        b.op("bar.sync 0");
    }

    /** Takes the other half's (value, index) when it is the earlier first maximum (NaN counting as largest). */
    private void combineArgMax(LoopMapping.ArgMaxFold a, Reg other) {
        DType d = a.best().dtype();
        String vs = scratch.get(a.best())[0], is = scratch.get(a.best())[1];
        Reg va = loadShared(vs, d, lid), ia = loadShared(is, DType.I32, lid);
        Reg vb = loadShared(vs, d, other), ib = loadShared(is, DType.I32, other);
        Reg earlier = b.setp("lt.s32", ib, ia);
        String t = PtxType.arith(d);
        Reg takes = b.or(b.setp("gt." + t, vb, va), b.and(b.setp("eq." + t, vb, va), earlier));
        if (d.isFloating()) {
            PtxType pt = PtxType.of(d);
            Reg an = ops.math.isNan(pt, va), bn = ops.math.isNan(pt, vb);
            Reg differ = b.bin(PtxType.PRED, "xor.pred", an, bn);
            Reg bothNan = b.and(an, bn);
            takes = b.or(b.and(differ, bn), b.and(b.not(differ), b.or(b.and(bothNan, earlier), b.and(b.not(an), takes))));
        }
        Reg p = takes;
        b.when(p, () -> {
            storeShared(vs, d, lid, vb);
            storeShared(is, DType.I32, lid, ib);
        });
    }

    private void storeShared(String sym, DType d, Object index, Reg v) {
        Reg a = k.sharedAddress(sym, index, PtxType.bytes(d == DType.BOOL ? DType.I32 : d));
        b.op("st.shared." + PtxType.memory(d) + " [" + a + "], " + v);
    }

    private Reg loadShared(String sym, DType d, Object index) {
        Reg a = k.sharedAddress(sym, index, PtxType.bytes(d));
        Reg v = b.reg(PtxType.of(d));
        b.op("ld.shared." + PtxType.memory(d) + " " + v + ", [" + a + "]");
        return v;
    }

    private Reg fold(ReduceOp op, DType d, Reg acc, Reg v) {
        return ops.binary(op == ReduceOp.SUM ? BinaryOp.ADD : BinaryOp.MAX, d, acc, v);
    }

    // ---- values ----

    private Reg local(Local l) {
        return locals.computeIfAbsent(l, x -> b.reg(PtxType.of(x.dtype())));
    }

    private Reg var(LoopVar v) {
        return vars.computeIfAbsent(v, x -> b.reg(PtxType.B32));
    }

    Reg expr(Expr e) {
        return switch (e) {
            case Expr.Const c -> ops.constant(c.value(), c.dtype());
            case Expr.Read r -> local(r.local());
            case Expr.Load l -> k.load(l.buffer(), idx(l.index()));
            case Expr.Index i -> ops.convert(DType.I32, i.dtype(), idx(i.index()));
            case Expr.Unary u -> ops.unary(u.op(), u.x().dtype(), expr(u.x()));
            case Expr.Binary bin -> ops.binary(bin.op(), bin.a().dtype(), expr(bin.a()), expr(bin.b()));
            case Expr.Compare c -> ops.compare(c.op(), c.a().dtype(), expr(c.a()), expr(c.b()));
            case Expr.Select s -> ops.select(s.dtype(), expr(s.pred()), expr(s.onTrue()), expr(s.onFalse()));
            case Expr.Convert c -> ops.convert(c.x().dtype(), c.to(), expr(c.x()));
        };
    }

    /** An index expression as an s32 register. */
    Reg idx(Idx e) {
        Reg acc = b.mov(PtxType.B32, Integer.toString(e.constant()));
        for (Map.Entry<Idx.Atom, Integer> t : new ArrayList<>(e.terms().entrySet())) {
            Reg atom = switch (t.getKey()) {
                case LoopVar v -> var(v);
                case Idx.Div d -> b.bin(PtxType.B32, "div.s32", idx(d.numerator()), d.divisor());
                case Idx.Mod m -> b.bin(PtxType.B32, "rem.s32", idx(m.numerator()), m.divisor());
            };
            acc = b.tern(PtxType.B32, "mad.lo.s32", atom, t.getValue(), acc);
        }
        return acc;
    }

    private Reg cond(Cond c) {
        Reg p = null;
        for (Cond.Clause cl : c.clauses()) {
            Reg q = switch (cl) {
                case Cond.AtLeast a -> b.setp("ge.s32", idx(a.index()), a.bound());
                case Cond.Below x -> b.setp("lt.s32", idx(x.index()), x.bound());
                case Cond.Divisible d -> b.setp("eq.s32", b.bin(PtxType.B32, "rem.s32", idx(d.index()), d.divisor()), 0);
            };
            p = p == null ? q : b.and(p, q);
        }
        return p == null ? b.setp("eq.s32", b.mov(PtxType.B32, "0"), 0) : p;
    }
}
