package dev.kiln.ir.kernel;

import dev.kiln.ir.Atom;
import dev.kiln.ir.DType;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Literal;
import dev.kiln.ir.Shape;
import dev.kiln.ir.Var;
import dev.kiln.ir.fusion.FusedKernel;
import dev.kiln.ir.prim.ArgMax;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BroadcastInDim;
import dev.kiln.ir.prim.Compare;
import dev.kiln.ir.prim.Concatenate;
import dev.kiln.ir.prim.Convert;
import dev.kiln.ir.prim.Iota;
import dev.kiln.ir.prim.Pad;
import dev.kiln.ir.prim.ReduceMax;
import dev.kiln.ir.prim.ReduceSum;
import dev.kiln.ir.prim.Reshape;
import dev.kiln.ir.prim.Rev;
import dev.kiln.ir.prim.Select;
import dev.kiln.ir.prim.Slice;
import dev.kiln.ir.prim.Transpose;
import dev.kiln.ir.prim.Unary;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Lowers one fused kernel to a loop nest: every value the kernel computes is inlined at the index
 * its consumer needs it (index remapping for broadcasts, reshapes, transposes, slices, pads,
 * concatenations, iota), computed once per index (a memo) and hoisted to the outermost loop its
 * indices allow. Pads and concatenations read their operands under guards.
 */
final class KernelBuilder {
    private record Key(Var var, List<Idx> index) {
    }

    private final FusedKernel kernel;
    private final Map<Var, Equation> members = new IdentityHashMap<>();
    private final Function<Var, BufferRef> buffers;
    private final LoopNest nest;
    private final Map<Local, Integer> level = new HashMap<>();
    private final Set<Local> afterReduction = new HashSet<>();
    private final Deque<Map<Key, Local>> memo = new ArrayDeque<>();
    private final Deque<List<Stmt>> guards = new ArrayDeque<>();
    private int nextLocal;
    /** A library kernel's result, read by its epilogue from memory. */
    private Var resultVar;
    private BufferRef resultBuffer;

    private KernelBuilder(FusedKernel kernel, Function<Var, BufferRef> buffers, LoopNest nest) {
        this.kernel = kernel;
        this.buffers = buffers;
        this.nest = nest;
        for (Equation eq : kernel.equations()) {
            members.put(eq.out(), eq);
        }
        memo.push(new HashMap<>());
    }

    // ---- kernels ----

    /** A loop kernel: one loop per dimension of the kernel's shape, storing every output. */
    static List<Stmt> loop(FusedKernel k, Function<Var, BufferRef> buffers) {
        List<LoopVar> vars = loopVars(k.shape(), "i", 0);
        KernelBuilder b = new KernelBuilder(k, buffers, new LoopNest(vars, vars.size(), vars.isEmpty() ? null : vars.getLast()));
        b.storeOutputs(k.outputs(), vars, vars.size());
        return b.nest.assemble();
    }

    /** The epilogue of a library kernel: reads {@code result} from memory, stores the other outputs. */
    static List<Stmt> epilogue(FusedKernel k, BufferRef result, Function<Var, BufferRef> buffers) {
        List<LoopVar> vars = loopVars(k.shape(), "i", 0);
        KernelBuilder b = new KernelBuilder(k, buffers, new LoopNest(vars, vars.size(), vars.isEmpty() ? null : vars.getLast()));
        b.resultVar = k.root().out();
        b.resultBuffer = result;
        List<Var> outs = k.outputs().stream().filter(v -> v != k.root().out()).toList();
        b.storeOutputs(outs, vars, vars.size());
        return b.nest.assemble();
    }

    /**
     * A reduction kernel: the kept dimensions outermost (parallel), the reduced ones inside them,
     * an accumulator per kept element, then the epilogue and the stores after the reduced loops.
     */
    static List<Stmt> reduction(FusedKernel k, Function<Var, BufferRef> buffers) {
        Equation root = k.root();
        Var operand = (Var) root.input(0);
        Shape in = operand.shape();
        Ints axes = switch (root.primitive()) {
            case ReduceSum r -> r.axes();
            case ReduceMax r -> r.axes();
            case ArgMax a -> Ints.of(a.axis());
            default -> throw new IllegalStateException("not a reduction: " + root.primitive().name());
        };
        List<LoopVar> kept = new ArrayList<>(), reduced = new ArrayList<>();
        List<Idx> operandIndex = new ArrayList<>();
        int id = 0;
        for (int d = 0; d < in.rank(); d++) {
            if (!axes.contains(d)) {
                LoopVar v = new LoopVar(id++, "k" + kept.size(), in.dim(d));
                kept.add(v);
            }
        }
        for (int d = 0; d < in.rank(); d++) {
            if (axes.contains(d)) {
                reduced.add(new LoopVar(id++, "r" + reduced.size(), in.dim(d)));
            }
        }
        for (int d = 0, ki = 0, ri = 0; d < in.rank(); d++) {
            operandIndex.add(Idx.of(axes.contains(d) ? reduced.get(ri++) : kept.get(ki++)));
        }
        boolean rowReduction = in.rank() > 0 && axes.contains(in.rank() - 1);
        List<Stmt> body = reductionNest(k, buffers, root, operand, operandIndex, kept, reduced, rowReduction);
        if (reduced.size() < 2 || root.primitive() instanceof ArgMax) {
            return body;
        }
        // The operand is often a transposed view (a per-example weight gradient read in the
        // layout its convolution wrote): reduce along its memory order instead, largest stride
        // outermost, so the inner reduced loops read contiguous runs (and collapse into one).
        Idx dominant = dominantLoad(body);
        if (dominant == null || reduced.stream().anyMatch(v -> dominant.coefficient(v) == 0)) {
            return body; // a reduced index under a division or modulo: no stride order to follow
        }
        List<LoopVar> byStride = new ArrayList<>(reduced);
        byStride.sort((a, c) -> Long.compare(Math.abs((long) dominant.coefficient(c)), Math.abs((long) dominant.coefficient(a))));
        if (byStride.equals(reduced)) {
            return body;
        }
        boolean unitInner = Math.abs(dominant.coefficient(byStride.getLast())) == 1;
        boolean keptUnit = !kept.isEmpty() && Math.abs(dominant.coefficient(kept.getLast())) == 1;
        return reductionNest(k, buffers, root, operand, operandIndex, kept, byStride, rowReduction || (unitInner && !keptUnit));
    }

    private static List<Stmt> reductionNest(FusedKernel k, Function<Var, BufferRef> buffers, Equation root, Var operand,
                                            List<Idx> operandIndex, List<LoopVar> kept, List<LoopVar> reduced,
                                            boolean reducedContiguous) {
        List<LoopVar> all = new ArrayList<>(kept);
        all.addAll(reduced);
        LoopVar contiguous = reducedContiguous ? reduced.getLast() : kept.isEmpty() ? null : kept.getLast();
        KernelBuilder b = new KernelBuilder(k, buffers, new LoopNest(all, kept.size(), contiguous));
        b.accumulate(root, operand, operandIndex, kept, all.size());
        b.storeOutputs(k.outputs(), kept, kept.size());
        return b.nest.assemble();
    }

    /** The index of the load from the largest buffer (the read that dominates the traffic), or null. */
    private static Idx dominantLoad(List<Stmt> body) {
        Expr.Load[] best = {null};
        KernelWalk.exprs(body, e -> {
            if (e instanceof Expr.Load l && (best[0] == null || l.buffer().size() > best[0].buffer().size())) {
                best[0] = l;
            }
        });
        return best[0] == null ? null : best[0].index();
    }

    private void accumulate(Equation root, Var operand, List<Idx> operandIndex, List<LoopVar> kept, int depth) {
        int m = kept.size();
        DType dt = operand.dtype();
        List<Idx> keptIndex = kept.stream().map(Idx::of).toList();
        if (root.primitive() instanceof ArgMax a) {
            Local best = newLocal(dt, "best"), bestIndex = newLocal(DType.I32, "argmax");
            nest.before(m).add(new Stmt.Assign(best, new Expr.Const(lowest(dt), dt)));
            nest.before(m).add(new Stmt.Assign(bestIndex, new Expr.Const(0, DType.I32)));
            Expr v = valueAt(operand, operandIndex);
            nest.before(depth).add(new Stmt.ArgMaxUpdate(best, bestIndex, v, operandIndex.get(a.axis())));
            settle(bestIndex, m, root.out(), keptIndex);
            return;
        }
        boolean sum = root.primitive() instanceof ReduceSum;
        Local acc = newLocal(dt, "acc");
        nest.before(m).add(new Stmt.Assign(acc, new Expr.Const(sum ? 0 : lowest(dt), dt)));
        Expr v = valueAt(operand, operandIndex);
        nest.before(depth).add(new Stmt.Accumulate(acc, sum ? ReduceOp.SUM : ReduceOp.MAX, v));
        settle(acc, m, root.out(), keptIndex);
    }

    /** After the reduced loops, {@code local} holds {@code result} at the kept index. */
    private void settle(Local local, int m, Var result, List<Idx> keptIndex) {
        level.put(local, m);
        afterReduction.add(local);
        memo.peek().put(new Key(result, keptIndex), local);
    }

    private static double lowest(DType dt) {
        return dt == DType.I32 ? Integer.MIN_VALUE : Double.NEGATIVE_INFINITY;
    }

    private void storeOutputs(List<Var> outputs, List<LoopVar> vars, int lvl) {
        List<Idx> index = vars.stream().map(Idx::of).toList();
        List<Expr> values = new ArrayList<>();
        for (Var o : outputs) {
            values.add(valueAt(o, index));
        }
        // Stores come after every load of the iteration, which makes in-place updates safe.
        for (int i = 0; i < outputs.size(); i++) {
            Var o = outputs.get(i);
            nest.after(lvl).add(new Stmt.Store(buffers.apply(o), flat(o.shape(), index), values.get(i)));
        }
    }

    private static List<LoopVar> loopVars(Shape s, String prefix, int firstId) {
        List<LoopVar> vars = new ArrayList<>();
        for (int d = 0; d < s.rank(); d++) {
            vars.add(new LoopVar(firstId + d, prefix + d, s.dim(d)));
        }
        return vars;
    }

    // ---- values ----

    /** The value of {@code a} at {@code index} (one index per dimension of {@code a}). */
    Expr valueAt(Atom a, List<Idx> index) {
        if (a instanceof Literal l) {
            return new Expr.Const(l.value(), l.dtype());
        }
        Var v = (Var) a;
        Key key = new Key(v, List.copyOf(index));
        for (Map<Key, Local> m : memo) {
            Local t = m.get(key);
            if (t != null) {
                return new Expr.Read(t);
            }
        }
        Equation eq = members.get(v);
        Expr e;
        if (v == resultVar) {
            e = new Expr.Load(resultBuffer, flat(v.shape(), index));
        } else if (kernel.root() != null && v == kernel.root().out()) {
            throw new IllegalStateException(kernel.name() + ": the reduction result is read at " + index
                    + ", not element for element");
        } else if (eq != null) {
            e = compute(eq, index);
        } else {
            e = new Expr.Load(buffers.apply(v), flat(v.shape(), index));
        }
        if (e instanceof Expr.Const) {
            return e;
        }
        Local t = e instanceof Expr.Read r ? r.local() : let(e);
        memo.peek().put(key, t);
        return new Expr.Read(t);
    }

    private Expr compute(Equation eq, List<Idx> index) {
        Shape outShape = eq.out().shape();
        return switch (eq.primitive()) {
            case Unary u -> new Expr.Unary(u.op(), operand(eq, 0, index));
            case Binary b -> new Expr.Binary(b.op(), operand(eq, 0, index), operand(eq, 1, index));
            case Compare c -> new Expr.Compare(c.op(), operand(eq, 0, index), operand(eq, 1, index));
            case Select s -> new Expr.Select(operand(eq, 0, index), operand(eq, 1, index), operand(eq, 2, index));
            case Convert c -> new Expr.Convert(c.to(), operand(eq, 0, index));
            case Iota i -> new Expr.Index(index.get(i.dimension()), i.dtype());
            case BroadcastInDim b -> valueAt(eq.input(0), IndexMaps.broadcast(b, eq.input(0).shape(), index));
            case Reshape r -> valueAt(eq.input(0), IndexMaps.reshape(outShape, eq.input(0).shape(), index));
            case Transpose t -> valueAt(eq.input(0), IndexMaps.transpose(t.permutation(), index));
            case Rev r -> valueAt(eq.input(0), IndexMaps.rev(r.dimensions(), outShape, index));
            case Slice s -> valueAt(eq.input(0), IndexMaps.slice(s, index));
            case Pad p -> pad(eq, p, index);
            case Concatenate c -> concatenate(eq, c.dimension(), index);
            default -> throw new IllegalStateException(eq.primitive().name() + " cannot be inlined into a loop");
        };
    }

    /** Operand {@code k} of an elementwise equation: rank-0 operands broadcast. */
    private Expr operand(Equation eq, int k, List<Idx> index) {
        Atom a = eq.input(k);
        return valueAt(a, a.shape().rank() == 0 ? List.of() : index);
    }

    private Expr pad(Equation eq, Pad p, List<Idx> index) {
        Atom x = eq.input(0);
        Expr padding = valueAt(eq.input(1), List.of());
        Cond cond = Cond.always();
        List<Idx> inner = new ArrayList<>();
        for (int d = 0; d < index.size(); d++) {
            int step = p.interior().get(d) + 1;
            Idx pos = index.get(d).plus(-p.low().get(d));
            cond = cond.atLeast(pos, 0).below(pos, (x.shape().dim(d) - 1) * step + 1).divisible(pos, step);
            inner.add(pos.div(step));
        }
        if (cond.isNever() || x.type().numel() == 0) {
            return padding;
        }
        return guarded(cond, () -> valueAt(x, inner), padding, eq.out().dtype());
    }

    private Expr concatenate(Equation eq, int dim, List<Idx> index) {
        return concatenateFrom(eq, dim, index, 0, 0);
    }

    private Expr concatenateFrom(Equation eq, int dim, List<Idx> index, int operand, int offset) {
        Atom x = eq.input(operand);
        List<Idx> at = new ArrayList<>(index);
        at.set(dim, index.get(dim).plus(-offset));
        if (operand == eq.inputs().size() - 1) {
            return valueAt(x, at);
        }
        int end = offset + x.shape().dim(dim);
        Cond inside = Cond.always().below(index.get(dim), end);
        if (inside.isAlways()) {
            return valueAt(x, at);
        }
        if (inside.isNever() || index.get(dim).range().min() >= end) {
            return concatenateFrom(eq, dim, index, operand + 1, end);
        }
        Local result = newLocal(eq.out().dtype(), "cat");
        List<Stmt> then = block(() -> valueAt(x, at), result);
        List<Stmt> otherwise = block(() -> concatenateFrom(eq, dim, index, operand + 1, end), result);
        place(new Stmt.If(inside, then, otherwise), result);
        return new Expr.Read(result);
    }

    /** {@code cond ? value() : otherwise}, evaluating {@code value} only where {@code cond} holds. */
    private Expr guarded(Cond cond, java.util.function.Supplier<Expr> value, Expr otherwise, DType dt) {
        if (cond.isAlways()) {
            return value.get();
        }
        Local result = newLocal(dt, "pad");
        List<Stmt> then = block(value, result);
        place(new Stmt.If(cond, then, List.of(new Stmt.Assign(result, otherwise))), result);
        return new Expr.Read(result);
    }

    /** The statements computing {@code value} into {@code result}, in a guard block of their own. */
    private List<Stmt> block(java.util.function.Supplier<Expr> value, Local result) {
        List<Stmt> stmts = new ArrayList<>();
        guards.push(stmts);
        memo.push(new HashMap<>());
        try {
            stmts.add(new Stmt.Assign(result, value.get()));
        } finally {
            memo.pop();
            guards.pop();
        }
        return stmts;
    }

    // ---- locals and their placement ----

    private Local newLocal(DType dt, String prefix) {
        int id = nextLocal++;
        return new Local(id, dt, prefix + id);
    }

    private Local let(Expr e) {
        Local t = newLocal(e.dtype(), "t");
        place(new Stmt.Assign(t, e), t);
        return t;
    }

    /**
     * Places {@code s}, which defines {@code defined}: inside the current guard block, or at the
     * outermost loop level its indices and locals allow (after the reduced loops if it reads an
     * accumulator).
     */
    private void place(Stmt s, Local defined) {
        int lvl = levelOf(List.of(s));
        boolean after = readsAfterReduction(List.of(s));
        level.put(defined, lvl);
        if (after) {
            afterReduction.add(defined);
        }
        if (!guards.isEmpty()) {
            guards.peek().add(s);
        } else if (after) {
            nest.after(lvl).add(s);
        } else {
            nest.before(lvl).add(s);
        }
    }

    private int levelOf(List<Stmt> stmts) {
        int[] lvl = {0};
        KernelWalk.indices(stmts, idx -> lvl[0] = Math.max(lvl[0], nest.level(idx)));
        KernelWalk.exprs(stmts, e -> {
            if (e instanceof Expr.Read r) {
                lvl[0] = Math.max(lvl[0], level.getOrDefault(r.local(), 0));
            }
        });
        return lvl[0];
    }

    private boolean readsAfterReduction(List<Stmt> stmts) {
        boolean[] after = {false};
        KernelWalk.exprs(stmts, e -> {
            if (e instanceof Expr.Read r && afterReduction.contains(r.local())) {
                after[0] = true;
            }
        });
        return after[0];
    }

    static Idx flat(Shape s, List<Idx> index) {
        int[] strides = s.strides();
        Idx f = Idx.zero();
        for (int d = 0; d < index.size(); d++) {
            f = f.plus(index.get(d).times(strides[d]));
        }
        return f;
    }
}
