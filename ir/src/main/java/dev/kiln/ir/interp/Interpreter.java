package dev.kiln.ir.interp;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Graph;
import dev.kiln.ir.prim.Primitive;
import java.util.List;

/**
 * The reference interpreter: the executable semantics of the IR, in f32 and f64, and the oracle
 * every transform, pass and backend is tested against. Written for clarity, not speed.
 */
public final class Interpreter {
    private Interpreter() {
    }

    /** Runs {@code graph} on {@code inputs} (one per graph input, types must match). */
    public static List<ArrayData> run(Graph graph, List<ArrayData> inputs) {
        throw new UnsupportedOperationException("interpreter not written yet");
    }

    /** Applies one primitive to concrete operands (scalar literals passed as rank-0 arrays). */
    public static ArrayData evaluate(Primitive p, List<ArrayData> operands) {
        throw new UnsupportedOperationException("interpreter not written yet");
    }
}
