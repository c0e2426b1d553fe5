package dev.kiln.ir.fusion;

import dev.kiln.ir.Equation;
import dev.kiln.ir.Shape;
import dev.kiln.ir.Var;
import java.util.List;

/**
 * One kernel of a fusion plan: the equations it computes (in graph order; a cheap equation may be
 * recomputed in several kernels), its root (the reduction or library equation of a
 * {@code REDUCTION} or {@code LIBRARY} kernel, else null), its iteration shape (the shape of its
 * outputs), the values it reads from memory and the values it writes.
 */
public record FusedKernel(int index, String name, KernelKind kind, Equation root, List<Equation> equations,
                          Shape shape, List<Var> inputs, List<Var> outputs) {
    public FusedKernel {
        equations = List.copyOf(equations);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /** Whether this kernel computes {@code eq} (equations compare by their output variable). */
    public boolean contains(Equation eq) {
        for (Equation e : equations) {
            if (e.out() == eq.out()) {
                return true;
            }
        }
        return false;
    }
}
