package dev.kiln.codegen.opencl;

import dev.kiln.ir.DType;
import dev.kiln.ir.device.DeviceMemory;
import dev.kiln.ir.device.LoopMapping;
import dev.kiln.ir.kernel.Local;
import dev.kiln.ir.kernel.LoopKernel;
import dev.kiln.ir.kernel.ReduceOp;
import dev.kiln.ir.kernel.Stmt;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a loop kernel as an OpenCL C kernel, mapped onto the NDRange as {@link LoopMapping}
 * decides: parallel loops as grid-stride loops over work-items ({@code GRID}) or work-groups
 * ({@code GROUP}, whose work-items split the reduction loops and combine their accumulators with a
 * tree in local memory), or one work-item ({@code SERIAL}).
 */
final class ClLoopKernel {
    /** Work-items per group; a power of two (the reduction tree halves it). */
    static final int LANES = 64;
    /** At most this many groups: larger iteration spaces are covered by the grid-stride loops. */
    static final int MAX_GROUPS = 1024;

    private final LoopKernel kernel;
    private final DeviceMemory memory;
    private final ClScope scope;
    private final LoopMapping mapping;
    private final ClExprs x = new ClExprs();
    private final CWriter w = new CWriter();

    private ClLoopKernel(LoopKernel kernel, ClScope scope) {
        this.kernel = kernel;
        this.scope = scope;
        this.memory = scope.memory();
        this.mapping = LoopMapping.of(kernel);
    }

    static ClKernel render(LoopKernel k, ClScope scope) {
        return new ClLoopKernel(k, scope).render();
    }

    private ClKernel render() {
        String fn = scope.function(kernel.name());
        List<DeviceMemory.Block> blocks = memory.blocks(DeviceMemory.touched(kernel));
        w.line("// " + kernel.name() + ": " + mapping.mode().name().toLowerCase(java.util.Locale.ROOT) + " mapping");
        ClSignature.open(w, fn, blocks, false, "");
        ClSignature.declare(w, x, memory, DeviceMemory.touched(kernel));
        switch (mapping.mode()) {
            case SERIAL -> {
            }
            case GRID -> w.line("const int gid = get_global_id(0), gsz = get_global_size(0);");
            case GROUP -> {
                w.line("const int lid = get_local_id(0), grp = get_group_id(0), ngrp = get_num_groups(0);");
                for (LoopMapping.Combine c : mapping.allCombines()) {
                    switch (c) {
                        case LoopMapping.Fold f -> w.line("__local " + ClTypes.scalar(f.acc().dtype()) + " red_" + x.name(f.acc()) + "[" + LANES + "];");
                        case LoopMapping.ArgMaxFold a -> {
                            w.line("__local " + ClTypes.scalar(a.best().dtype()) + " red_" + x.name(a.best()) + "[" + LANES + "];");
                            w.line("__local int red_" + x.name(a.index()) + "[" + LANES + "];");
                        }
                    }
                }
            }
        }
        declareLocals();
        stmts(kernel.body(), true, false);
        w.close();
        long groups = Math.min(MAX_GROUPS, switch (mapping.mode()) {
            case SERIAL -> 1;
            case GRID -> (mapping.gridExtent() + LANES - 1) / LANES;
            case GROUP -> mapping.gridExtent();
        });
        int lanes = mapping.mode() == LoopMapping.Mode.SERIAL ? 1 : LANES;
        return new ClKernel(w.toString(), ClLaunch.linear(fn, groups, lanes, blocks, false));
    }

    private void declareLocals() {
        Map<Local, Boolean> locals = new LinkedHashMap<>();
        collectLocals(kernel.body(), locals);
        Map<DType, StringBuilder> byType = new LinkedHashMap<>();
        for (Local l : locals.keySet()) {
            StringBuilder sb = byType.computeIfAbsent(l.dtype(), d -> new StringBuilder());
            sb.append(sb.length() == 0 ? "" : ", ").append(x.name(l));
        }
        byType.forEach((d, names) -> w.line(ClTypes.scalar(d) + " " + names + ";"));
    }

    private static void collectLocals(List<Stmt> ss, Map<Local, Boolean> out) {
        for (Stmt s : ss) {
            switch (s) {
                case Stmt.Loop l -> collectLocals(l.body(), out);
                case Stmt.Assign a -> out.put(a.local(), true);
                case Stmt.Accumulate a -> out.put(a.acc(), true);
                case Stmt.ArgMaxUpdate a -> {
                    out.put(a.best(), true);
                    out.put(a.bestIndex(), true);
                }
                case Stmt.If i -> {
                    collectLocals(i.then(), out);
                    collectLocals(i.otherwise(), out);
                }
                case Stmt.Store st -> {
                }
            }
        }
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
            case Stmt.Assign a -> w.line(x.name(a.local()) + " = " + x.expr(a.value()) + ";");
            case Stmt.Accumulate a -> w.line(x.name(a.acc()) + " = " + fold(a.op(), a.acc().dtype(), x.name(a.acc()), x.expr(a.value())) + ";");
            case Stmt.ArgMaxUpdate a -> {
                String v = x.expr(a.value()), best = x.name(a.best());
                String better = a.best().dtype() == DType.I32 ? v + " > " + best
                        : v + " > " + best + " || (isnan(" + v + ") && !isnan(" + best + "))";
                w.open("if (" + better + ")").line(best + " = " + v + ";")
                        .line(x.name(a.bestIndex()) + " = " + x.idx(a.position()) + ";").close();
            }
            case Stmt.Store st -> {
                String guard = storeGuard(inGrid);
                String store = x.store(st.buffer(), x.idx(st.index()), x.expr(st.value()));
                w.line(guard.isEmpty() ? store : "if (" + guard + ") " + store);
            }
            case Stmt.If i -> {
                w.open("if (" + x.cond(i.cond()) + ")");
                stmts(i.then(), false, inGrid);
                if (!i.otherwise().isEmpty()) {
                    w.reopen("else");
                    stmts(i.otherwise(), false, inGrid);
                }
                w.close();
            }
        }
    }

    /** Which work-item stores: outside the grid loops every one computes the same value, so one stores. */
    private String storeGuard(boolean inGrid) {
        return switch (mapping.mode()) {
            case SERIAL -> "";
            case GRID -> inGrid ? "" : "gid == 0";
            case GROUP -> inGrid ? "lid == 0" : "lid == 0 && grp == 0";
        };
    }

    private void loop(Stmt.Loop l, boolean top, boolean inGrid) {
        String v = x.name(l.var());
        int n = l.var().extent();
        if (top && mapping.isGridLoop(l)) {
            String start = mapping.mode() == LoopMapping.Mode.GROUP ? "grp" : "gid";
            String step = mapping.mode() == LoopMapping.Mode.GROUP ? "ngrp" : "gsz";
            w.open("for (int " + v + " = " + start + "; " + v + " < " + n + "; " + v + " += " + step + ")");
            stmts(l.body(), false, true);
            w.close();
            return;
        }
        List<LoopMapping.Combine> combines = mapping.mode() == LoopMapping.Mode.GROUP ? mapping.combines(l) : null;
        if (combines == null) {
            w.open("for (int " + v + " = 0; " + v + " < " + n + "; " + v + "++)");
            stmts(l.body(), false, inGrid);
            w.close();
            return;
        }
        w.open("for (int " + v + " = lid; " + v + " < " + n + "; " + v + " += " + LANES + ")");
        stmts(l.body(), false, inGrid);
        w.close();
        combine(combines);
    }

    /** The tree over the group's partial accumulators; every work-item continues with the total. */
    private void combine(List<LoopMapping.Combine> combines) {
        for (LoopMapping.Combine c : combines) {
            switch (c) {
                case LoopMapping.Fold f -> w.line("red_" + x.name(f.acc()) + "[lid] = " + x.name(f.acc()) + ";");
                case LoopMapping.ArgMaxFold a -> {
                    w.line("red_" + x.name(a.best()) + "[lid] = " + x.name(a.best()) + ";");
                    w.line("red_" + x.name(a.index()) + "[lid] = " + x.name(a.index()) + ";");
                }
            }
        }
        w.line("barrier(CLK_LOCAL_MEM_FENCE);");
        w.open("for (int s = " + LANES / 2 + "; s > 0; s >>= 1)");
        w.open("if (lid < s)");
        for (LoopMapping.Combine c : combines) {
            switch (c) {
                case LoopMapping.Fold f -> {
                    String r = "red_" + x.name(f.acc());
                    w.line(r + "[lid] = " + fold(f.op(), f.acc().dtype(), r + "[lid]", r + "[lid + s]") + ";");
                }
                case LoopMapping.ArgMaxFold a -> {
                    String rv = "red_" + x.name(a.best()), ri = "red_" + x.name(a.index());
                    w.open("if (kiln_argmax_takes_" + ClTypes.suffix(a.best().dtype()) + "(" + rv + "[lid + s], " + ri + "[lid + s], "
                            + rv + "[lid], " + ri + "[lid]))");
                    w.line(rv + "[lid] = " + rv + "[lid + s];").line(ri + "[lid] = " + ri + "[lid + s];");
                    w.close();
                }
            }
        }
        w.close();
        w.line("barrier(CLK_LOCAL_MEM_FENCE);");
        w.close();
        for (LoopMapping.Combine c : combines) {
            switch (c) {
                case LoopMapping.Fold f -> w.line(x.name(f.acc()) + " = red_" + x.name(f.acc()) + "[0];");
                case LoopMapping.ArgMaxFold a -> {
                    w.line(x.name(a.best()) + " = red_" + x.name(a.best()) + "[0];");
                    w.line(x.name(a.index()) + " = red_" + x.name(a.index()) + "[0];");
                }
            }
        }
        // The scratch is written again by the next reduction (or the next kept element).
        w.line("barrier(CLK_LOCAL_MEM_FENCE);");
    }

    static String fold(ReduceOp op, DType d, String acc, String v) {
        return switch (op) {
            case SUM -> ClExprs.binary(dev.kiln.ir.prim.BinaryOp.ADD, d, acc, v);
            case MAX -> ClExprs.binary(dev.kiln.ir.prim.BinaryOp.MAX, d, acc, v);
        };
    }
}
