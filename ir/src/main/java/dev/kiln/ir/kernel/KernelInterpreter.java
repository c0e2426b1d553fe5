package dev.kiln.ir.kernel;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.buffers.BufferPlan;
import dev.kiln.ir.buffers.OutputBinding;
import dev.kiln.ir.buffers.Placement;
import dev.kiln.ir.interp.Interpreter;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.Compare;
import dev.kiln.ir.prim.Convert;
import dev.kiln.ir.prim.Primitive;
import dev.kiln.ir.prim.Unary;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a kernel program statement by statement, with every buffer where its {@link BufferPlan}
 * puts it (arenas shared between values, in-place updates, aliases) and every scalar operation
 * evaluated by the reference interpreter. It is slow and exact: the oracle that separates bugs of
 * fusion, lowering and buffer assignment from bugs of a backend's code generator.
 */
public final class KernelInterpreter {
    private final KernelProgram program;
    private final BufferPlan plan;
    private final List<ArrayData> inputs;
    private final List<ArrayData> constants;
    private final ArrayData[] outputs;
    private final Map<DType, ArrayData> arenas = new EnumMap<>(DType.class);
    private final Map<LoopVar, Integer> loops = new HashMap<>();
    private final Map<Local, Double> locals = new HashMap<>();

    private KernelInterpreter(KernelProgram program, BufferPlan plan, List<ArrayData> inputs) {
        this.program = program;
        this.plan = plan;
        this.inputs = inputs;
        this.constants = program.plan().graph().constants().stream().map(c -> c.value()).toList();
        this.outputs = new ArrayData[program.outputs().size()];
        plan.arenaSizes().forEach((d, n) -> arenas.put(d, ArrayData.zeros(TensorType.of(d, n))));
        for (int i = 0; i < outputs.length; i++) {
            OutputBinding o = plan.outputs().get(i);
            if (o.kind() == OutputBinding.Kind.OWNED) {
                outputs[i] = ArrayData.zeros(o.type());
            }
        }
    }

    /** The graph's outputs computed by running {@code program} under {@code plan}. */
    public static List<ArrayData> run(KernelProgram program, BufferPlan plan, List<ArrayData> inputs) {
        KernelInterpreter k = new KernelInterpreter(program, plan, inputs);
        for (Kernel kernel : program.kernels()) {
            k.run(kernel);
        }
        return k.collectOutputs();
    }

    private List<ArrayData> collectOutputs() {
        List<ArrayData> out = new ArrayList<>();
        for (int i = 0; i < outputs.length; i++) {
            OutputBinding o = plan.outputs().get(i);
            out.add(switch (o.kind()) {
                case OWNED -> outputs[i];
                case FILL -> ArrayData.full(o.type(), o.literal().value());
                case COPY -> {
                    ArrayData d = ArrayData.zeros(o.type());
                    for (int j = 0; j < d.size(); j++) {
                        d.setDouble(j, read(o.from(), null, j));
                    }
                    yield d;
                }
            });
        }
        return out;
    }

    private void run(Kernel k) {
        switch (k) {
            case AliasKernel a -> {
            }
            case LoopKernel l -> block(l.body());
            case LibraryKernel lib -> {
                List<ArrayData> operands = new ArrayList<>();
                for (BufferRef b : lib.operands()) {
                    operands.add(copyOut(b));
                }
                ArrayData r = Interpreter.evaluate(lib.equation().primitive(), operands);
                for (int i = 0; i < r.size(); i++) {
                    write(lib.result(), i, r.getDouble(i));
                }
                if (lib.epilogue() != null) {
                    block(lib.epilogue().body());
                }
            }
        }
    }

    private ArrayData copyOut(BufferRef b) {
        ArrayData d = ArrayData.zeros(b.type());
        for (int i = 0; i < d.size(); i++) {
            d.setDouble(i, read(b, i));
        }
        return d;
    }

    // ---- memory ----

    private double read(BufferRef b, int i) {
        return read(plan.placement(b), b, i);
    }

    private double read(Placement p, BufferRef b, int i) {
        return switch (p.where()) {
            case INPUT -> inputs.get(p.index()).getDouble(i);
            case CONSTANT -> constants.get(p.index()).getDouble(i);
            case OUTPUT -> outputs[p.index()].getDouble(i);
            case ARENA -> arenas.get(p.dtype()).getDouble(p.offset() + i);
        };
    }

    private void write(BufferRef b, int i, double v) {
        Placement p = plan.placement(b);
        switch (p.where()) {
            case OUTPUT -> outputs[p.index()].setDouble(i, v);
            case ARENA -> arenas.get(p.dtype()).setDouble(p.offset() + i, v);
            default -> throw new IllegalStateException(b + " is read-only (" + p + ")");
        }
    }

    // ---- statements ----

    private void block(List<Stmt> body) {
        for (Stmt s : body) {
            switch (s) {
                case Stmt.Loop l -> {
                    for (int i = 0; i < l.var().extent(); i++) {
                        loops.put(l.var(), i);
                        block(l.body());
                    }
                }
                case Stmt.Assign a -> locals.put(a.local(), round(a.local().dtype(), eval(a.value())));
                case Stmt.Accumulate a -> {
                    BinaryOp op = a.op() == ReduceOp.SUM ? BinaryOp.ADD : BinaryOp.MAX;
                    locals.put(a.acc(), apply(new Binary(op), a.acc().dtype(), locals.get(a.acc()), eval(a.value())));
                }
                case Stmt.ArgMaxUpdate a -> {
                    double v = eval(a.value()), best = locals.get(a.best());
                    if (v > best || (Double.isNaN(v) && !Double.isNaN(best))) {
                        locals.put(a.best(), v);
                        locals.put(a.bestIndex(), (double) index(a.position()));
                    }
                }
                case Stmt.Store st -> write(st.buffer(), index(st.index()), eval(st.value()));
                case Stmt.If i -> block(holds(i.cond()) ? i.then() : i.otherwise());
            }
        }
    }

    private double eval(Expr e) {
        return switch (e) {
            case Expr.Const c -> c.value();
            case Expr.Read r -> {
                Double v = locals.get(r.local());
                if (v == null) {
                    throw new IllegalStateException("local " + r.local() + " read before it is assigned");
                }
                yield v;
            }
            case Expr.Load l -> read(l.buffer(), index(l.index()));
            case Expr.Index i -> apply(new Convert(i.dtype()), DType.I32, index(i.index()));
            case Expr.Unary u -> apply(new Unary(u.op()), u.x().dtype(), eval(u.x()));
            case Expr.Binary b -> apply(new Binary(b.op()), b.a().dtype(), eval(b.a()), eval(b.b()));
            case Expr.Compare c -> apply(new Compare(c.op()), c.a().dtype(), eval(c.a()), eval(c.b()));
            case Expr.Select s -> eval(s.pred()) != 0 ? eval(s.onTrue()) : eval(s.onFalse());
            case Expr.Convert c -> apply(new Convert(c.to()), c.x().dtype(), eval(c.x()));
        };
    }

    private static double apply(Primitive p, DType operandType, double... operands) {
        List<ArrayData> in = new ArrayList<>();
        for (double v : operands) {
            in.add(ArrayData.scalar(v, operandType));
        }
        return Interpreter.evaluate(p, in).getDouble(0);
    }

    private static double round(DType d, double v) {
        return ArrayData.scalar(v, d).getDouble(0);
    }

    private boolean holds(Cond c) {
        for (Cond.Clause cl : c.clauses()) {
            boolean ok = switch (cl) {
                case Cond.AtLeast a -> index(a.index()) >= a.bound();
                case Cond.Below b -> index(b.index()) < b.bound();
                case Cond.Divisible d -> index(d.index()) % d.divisor() == 0;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private int index(Idx idx) {
        int v = idx.constant();
        for (Map.Entry<Idx.Atom, Integer> e : idx.terms().entrySet()) {
            int a = switch (e.getKey()) {
                case LoopVar lv -> {
                    Integer i = loops.get(lv);
                    if (i == null) {
                        throw new IllegalStateException("loop variable " + lv + " used outside its loop");
                    }
                    yield i;
                }
                case Idx.Div d -> index(d.numerator()) / d.divisor();
                case Idx.Mod m -> index(m.numerator()) % m.divisor();
            };
            v += e.getValue() * a;
        }
        return v;
    }
}
