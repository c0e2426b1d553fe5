package dev.kiln.codegen.ptx;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the body of one PTX kernel: fresh virtual registers of each class, instructions one a
 * line, unique labels, and structured control flow (counted loops, if/else) lowered to predicated
 * branches. Operands are registers or immediates formatted by {@link #f32}, {@link #f64},
 * {@link #i32}. The instruction forms used here are the ones the test emulator implements.
 */
final class PtxBuilder {
    private final Map<PtxType, Integer> counts = new EnumMap<>(PtxType.class);
    private final List<String> lines = new ArrayList<>();
    private final String labelPrefix;
    private int labels;
    private int depth = 1;

    PtxBuilder(String labelPrefix) {
        this.labelPrefix = labelPrefix;
    }

    Reg reg(PtxType t) {
        int n = counts.merge(t, 1, Integer::sum) - 1;
        return new Reg(t, n);
    }

    /** One instruction; the semicolon is added. */
    void op(String instruction) {
        lines.add("\t".repeat(depth) + instruction + ";");
    }

    void comment(String text) {
        lines.add("\t".repeat(depth) + "// " + text);
    }

    String label(String hint) {
        return "$L_" + labelPrefix + "_" + hint + "_" + labels++;
    }

    void place(String label) {
        lines.add(label + ":");
    }

    // ---- immediates ----

    static String f32(double v) {
        return String.format("0f%08X", Float.floatToRawIntBits((float) v));
    }

    static String f64(double v) {
        return String.format("0d%016X", Double.doubleToRawLongBits(v));
    }

    static String i32(int v) {
        return Integer.toString(v);
    }

    /** A float immediate of register class {@code t} (f32 or f64). */
    static String fimm(PtxType t, double v) {
        return t == PtxType.F64 ? f64(v) : f32(v);
    }

    // ---- common instructions returning fresh registers ----

    Reg mov(PtxType t, String a) {
        Reg d = reg(t);
        op("mov." + movType(t) + " " + d + ", " + a);
        return d;
    }

    void set(Reg d, String a) {
        op("mov." + movType(d.type()) + " " + d + ", " + a);
    }

    static String movType(PtxType t) {
        return switch (t) {
            case PRED -> "pred";
            case B32 -> "b32";
            case B64 -> "b64";
            case F32 -> "f32";
            case F64 -> "f64";
        };
    }

    /** {@code d = a op b} with an explicit typed opcode, e.g. {@code bin(B32, "add.s32", a, b)}. */
    Reg bin(PtxType t, String opcode, Object a, Object b) {
        Reg d = reg(t);
        op(opcode + " " + d + ", " + a + ", " + b);
        return d;
    }

    Reg un(PtxType t, String opcode, Object a) {
        Reg d = reg(t);
        op(opcode + " " + d + ", " + a);
        return d;
    }

    Reg tern(PtxType t, String opcode, Object a, Object b, Object c) {
        Reg d = reg(t);
        op(opcode + " " + d + ", " + a + ", " + b + ", " + c);
        return d;
    }

    /** A predicate {@code a cmp b} ({@code cmp} like {@code lt.s32}). */
    Reg setp(String cmp, Object a, Object b) {
        Reg p = reg(PtxType.PRED);
        op("setp." + cmp + " " + p + ", " + a + ", " + b);
        return p;
    }

    /** {@code p ? a : b} for a non-predicate class. */
    Reg selp(PtxType t, Object a, Object b, Reg p) {
        Reg d = reg(t);
        op("selp." + movType(t) + " " + d + ", " + a + ", " + b + ", " + p);
        return d;
    }

    Reg and(Reg p, Reg q) {
        return bin(PtxType.PRED, "and.pred", p, q);
    }

    Reg or(Reg p, Reg q) {
        return bin(PtxType.PRED, "or.pred", p, q);
    }

    Reg not(Reg p) {
        return un(PtxType.PRED, "not.pred", p);
    }

    /** {@code a} in a register of class {@code t} (moved there if it is an immediate). */
    Reg asReg(PtxType t, Object a) {
        return a instanceof Reg r ? r : mov(t, a.toString());
    }

    Reg addInt(Object a, Object b) {
        return bin(PtxType.B32, "add.s32", a, b);
    }

    Reg mulInt(Object a, Object b) {
        return bin(PtxType.B32, "mul.lo.s32", a, b);
    }

    // ---- structured control flow ----

    /** {@code for (var = start; var < end; var += step) body}; the body may change nothing but its own registers. */
    void loop(Reg var, Object start, Object end, Object step, Runnable body) {
        String head = label("loop"), exit = label("done");
        set(var, start.toString());
        place(head);
        Reg done = setp("ge.s32", var, end);
        op("@" + done + " bra " + exit);
        depth++;
        body.run();
        depth--;
        op("add.s32 " + var + ", " + var + ", " + step);
        op("bra.uni " + head);
        place(exit);
    }

    /** {@code while (condition()) body}; {@code condition} emits the test afresh at the loop head. */
    void whileLoop(java.util.function.Supplier<Reg> condition, Runnable body) {
        String head = label("while"), exit = label("wend");
        place(head);
        Reg go = condition.get();
        op("@!" + go + " bra " + exit);
        depth++;
        body.run();
        depth--;
        op("bra.uni " + head);
        place(exit);
    }

    /** Runs {@code then} where {@code p} holds. */
    void when(Reg p, Runnable then) {
        String skip = label("skip");
        op("@!" + p + " bra " + skip);
        depth++;
        then.run();
        depth--;
        place(skip);
    }

    void ifElse(Reg p, Runnable then, Runnable otherwise) {
        String other = label("else"), end = label("endif");
        op("@!" + p + " bra " + other);
        depth++;
        then.run();
        depth--;
        op("bra.uni " + end);
        place(other);
        depth++;
        otherwise.run();
        depth--;
        place(end);
    }

    /** {@code continue}-like early exit: branches to {@code label} where {@code p} holds. */
    void branchIf(Reg p, String label) {
        op("@" + p + " bra " + label);
    }

    // ---- assembly ----

    /** The register declarations of everything allocated so far. */
    List<String> declarations() {
        List<String> out = new ArrayList<>();
        counts.forEach((t, n) -> out.add("\t.reg ." + t.decl + " " + t.prefix + "<" + n + ">;"));
        return out;
    }

    List<String> lines() {
        return lines;
    }
}
