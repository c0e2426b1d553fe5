package dev.kiln.codegen.opencl;

import dev.kiln.ir.DType;
import dev.kiln.ir.kernel.BufferRef;
import dev.kiln.ir.kernel.Cond;
import dev.kiln.ir.kernel.Expr;
import dev.kiln.ir.kernel.Idx;
import dev.kiln.ir.kernel.Local;
import dev.kiln.ir.kernel.LoopVar;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.CompareOp;
import dev.kiln.ir.prim.UnaryOp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders kernel IR expressions, index expressions and guards as OpenCL C: the C-style half of the
 * renderer. Every operation follows the reference interpreter's semantics (see {@link ClPrelude}
 * for the ones C does not give directly); i32 arithmetic wraps through {@code uint}.
 */
final class ClExprs {
    private final Map<Object, String> names = new HashMap<>();
    private final Map<String, Object> taken = new HashMap<>();

    /** The C identifier of a loop variable, local or buffer, unique within one kernel. */
    String name(Object o) {
        String n = names.get(o);
        if (n != null) {
            return n;
        }
        String base = switch (o) {
            case LoopVar v -> v.name();
            case Local l -> l.name();
            case BufferRef b -> "b_" + b.name();
            default -> throw new IllegalArgumentException(o.toString());
        };
        base = base.replaceAll("[^A-Za-z0-9_]", "_");
        String candidate = base;
        for (int i = 1; taken.containsKey(candidate); i++) {
            candidate = base + "_" + i;
        }
        taken.put(candidate, o);
        names.put(o, candidate);
        return candidate;
    }

    // ---- indices and guards ----

    String idx(Idx e) {
        List<Map.Entry<Idx.Atom, Integer>> terms = new ArrayList<>(e.terms().entrySet());
        terms.sort(Comparator.comparing(t -> t.getKey().toString()));
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<Idx.Atom, Integer> t : terms) {
            int c = t.getValue();
            if (sb.length() > 0) {
                sb.append(c < 0 ? " - " : " + ");
            } else if (c < 0) {
                sb.append('-');
            }
            int a = Math.abs(c);
            sb.append(a == 1 ? "" : a + " * ").append(atom(t.getKey()));
        }
        if (e.constant() != 0 || sb.length() == 0) {
            if (sb.length() == 0) {
                sb.append(e.constant());
            } else {
                sb.append(e.constant() < 0 ? " - " : " + ").append(Math.abs(e.constant()));
            }
        }
        return sb.toString();
    }

    private String atom(Idx.Atom a) {
        return switch (a) {
            case LoopVar v -> name(v);
            case Idx.Div d -> "((" + idx(d.numerator()) + ") / " + d.divisor() + ")";
            case Idx.Mod m -> "((" + idx(m.numerator()) + ") % " + m.divisor() + ")";
        };
    }

    String cond(Cond c) {
        List<String> parts = new ArrayList<>();
        for (Cond.Clause cl : c.clauses()) {
            parts.add(switch (cl) {
                case Cond.AtLeast a -> "(" + idx(a.index()) + ") >= " + a.bound();
                case Cond.Below b -> "(" + idx(b.index()) + ") < " + b.bound();
                case Cond.Divisible d -> "(" + idx(d.index()) + ") % " + d.divisor() + " == 0";
            });
        }
        return parts.isEmpty() ? "true" : String.join(" && ", parts);
    }

    // ---- values ----

    String expr(Expr e) {
        return switch (e) {
            case Expr.Const c -> ClTypes.constant(c.value(), c.dtype());
            case Expr.Read r -> name(r.local());
            case Expr.Load l -> load(l.buffer(), idx(l.index()));
            case Expr.Index i -> "((" + ClTypes.scalar(i.dtype()) + ")(" + idx(i.index()) + "))";
            case Expr.Unary u -> unary(u.op(), u.x().dtype(), expr(u.x()));
            case Expr.Binary b -> binary(b.op(), b.a().dtype(), expr(b.a()), expr(b.b()));
            case Expr.Compare c -> "(" + expr(c.a()) + " " + compare(c.op()) + " " + expr(c.b()) + ")";
            case Expr.Select s -> "(" + expr(s.pred()) + " ? " + expr(s.onTrue()) + " : " + expr(s.onFalse()) + ")";
            case Expr.Convert c -> convert(c.x().dtype(), c.to(), expr(c.x()));
        };
    }

    String load(BufferRef b, String index) {
        String s = name(b) + "[" + index + "]";
        return b.dtype() == DType.BOOL ? "(" + s + " != 0)" : s;
    }

    String store(BufferRef b, String index, String value) {
        String v = b.dtype() == DType.BOOL ? "(uchar)(" + value + ")" : value;
        return name(b) + "[" + index + "] = " + v + ";";
    }

    static String unary(UnaryOp op, DType d, String x) {
        if (d == DType.I32) {
            return switch (op) {
                case NEG -> "kiln_neg_i32(" + x + ")";
                case ABS -> "kiln_abs_i32(" + x + ")";
                case SIGN -> "kiln_sign_i32(" + x + ")";
                case NOT -> "(~(" + x + "))";
                case STOP_GRADIENT -> x;
                default -> throw new IllegalStateException(op + " on i32");
            };
        }
        if (d == DType.BOOL) {
            return switch (op) {
                case NOT -> "(!(" + x + "))";
                case STOP_GRADIENT -> x;
                default -> throw new IllegalStateException(op + " on bool");
            };
        }
        String s = ClTypes.suffix(d), t = ClTypes.scalar(d);
        return switch (op) {
            case NEG -> "(-(" + x + "))";
            case EXP -> "exp(" + x + ")";
            case LOG -> "log(" + x + ")";
            case LOG1P -> "log1p(" + x + ")";
            case EXPM1 -> "expm1(" + x + ")";
            case TANH -> "tanh(" + x + ")";
            case LOGISTIC -> "kiln_logistic_" + s + "(" + x + ")";
            case SQRT -> "sqrt(" + x + ")";
            case RSQRT -> "((" + t + ")1 / sqrt(" + x + "))";
            case ABS -> "fabs(" + x + ")";
            case SIGN -> "kiln_sign_" + s + "(" + x + ")";
            case SIN -> "sin(" + x + ")";
            case COS -> "cos(" + x + ")";
            case FLOOR -> "floor(" + x + ")";
            case CEIL -> "ceil(" + x + ")";
            case ROUND -> "round(" + x + ")";
            case STOP_GRADIENT -> x;
            case NOT -> throw new IllegalStateException("not on a float");
        };
    }

    static String binary(BinaryOp op, DType d, String a, String b) {
        if (d == DType.BOOL) {
            return switch (op) {
                case AND -> "(" + a + " && " + b + ")";
                case OR -> "(" + a + " || " + b + ")";
                case XOR -> "(" + a + " != " + b + ")";
                default -> throw new IllegalStateException(op + " on bool");
            };
        }
        if (d == DType.I32) {
            return switch (op) {
                case ADD -> "(int)((uint)" + a + " + (uint)" + b + ")";
                case SUB -> "(int)((uint)" + a + " - (uint)" + b + ")";
                case MUL -> "(int)((uint)" + a + " * (uint)" + b + ")";
                case DIV -> "kiln_div_i32(" + a + ", " + b + ")";
                case REM -> "kiln_rem_i32(" + a + ", " + b + ")";
                case MAX -> "max(" + a + ", " + b + ")";
                case MIN -> "min(" + a + ", " + b + ")";
                case AND -> "(" + a + " & " + b + ")";
                case OR -> "(" + a + " | " + b + ")";
                case XOR -> "(" + a + " ^ " + b + ")";
                case SHIFT_LEFT -> "(int)((uint)" + a + " << ((uint)" + b + " & 31u))";
                case SHIFT_RIGHT_LOGICAL -> "(int)((uint)" + a + " >> ((uint)" + b + " & 31u))";
                case SHIFT_RIGHT_ARITHMETIC -> "(" + a + " >> (" + b + " & 31))";
                case POW -> throw new IllegalStateException("pow on i32");
            };
        }
        String s = ClTypes.suffix(d);
        return switch (op) {
            case ADD -> "(" + a + " + " + b + ")";
            case SUB -> "(" + a + " - " + b + ")";
            case MUL -> "(" + a + " * " + b + ")";
            case DIV -> "(" + a + " / " + b + ")";
            case REM -> "fmod(" + a + ", " + b + ")";
            case POW -> "kiln_pow_" + s + "(" + a + ", " + b + ")";
            case MAX -> "kiln_max_" + s + "(" + a + ", " + b + ")";
            case MIN -> "kiln_min_" + s + "(" + a + ", " + b + ")";
            default -> throw new IllegalStateException(op + " on " + d);
        };
    }

    private static String compare(CompareOp op) {
        return switch (op) {
            case EQ -> "==";
            case NE -> "!=";
            case LT -> "<";
            case LE -> "<=";
            case GT -> ">";
            case GE -> ">=";
        };
    }

    static String convert(DType from, DType to, String x) {
        if (from == to) {
            return x;
        }
        if (to == DType.BOOL) {
            return "(" + x + " != 0)";
        }
        if (to == DType.I32 && from.isFloating()) {
            return "kiln_to_i32_" + ClTypes.suffix(from) + "(" + x + ")";
        }
        return "((" + ClTypes.scalar(to) + ")(" + x + "))";
    }
}
