package dev.kiln.ir.kernel;

import java.util.List;

/**
 * A statement of the kernel IR: loops over index ranges, assignments of locals, accumulations,
 * stores, and guarded blocks. Loops say whether their iterations may run in parallel (the
 * backend splits such a loop across cores or thread blocks) and whether they walk the innermost,
 * contiguous dimension of the kernel's output (the natural one to vectorise).
 */
public sealed interface Stmt {

    /** {@code for var in [0, var.extent)}. */
    record Loop(LoopVar var, boolean parallel, boolean contiguous, List<Stmt> body) implements Stmt {
        public Loop {
            body = List.copyOf(body);
        }
    }

    /** {@code local = value}. */
    record Assign(Local local, Expr value) implements Stmt {
    }

    /** {@code acc = acc op value}. */
    record Accumulate(Local acc, ReduceOp op, Expr value) implements Stmt {
    }

    /**
     * Keeps the first maximum: if {@code value > best} or {@code value} is NaN while {@code best}
     * is not, then {@code best = value; bestIndex = position}.
     */
    record ArgMaxUpdate(Local best, Local bestIndex, Expr value, Idx position) implements Stmt {
    }

    /** {@code buffer[index] = value}. */
    record Store(BufferRef buffer, Idx index, Expr value) implements Stmt {
    }

    /** Runs {@code then} where {@code cond} holds, else {@code otherwise}. */
    record If(Cond cond, List<Stmt> then, List<Stmt> otherwise) implements Stmt {
        public If {
            then = List.copyOf(then);
            otherwise = List.copyOf(otherwise);
        }
    }
}
