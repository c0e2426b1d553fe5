package dev.kiln.autodiff;

import dev.kiln.ir.Equation;
import dev.kiln.ir.TensorType;
import dev.kiln.tracer.Tensor;
import java.util.List;

/**
 * One application of a VJP rule: the equation being differentiated, its primal operands and
 * result (tensors of the trace being built), the result's cotangent, which operands need a
 * cotangent (those on a path from a differentiated input), and an emitter that attributes new
 * equations to the equation's source line. A rule returns one cotangent per operand, null where
 * none is needed or none exists.
 */
record VjpCall(Equation eq, List<Tensor> in, Tensor out, Tensor ct, boolean[] needs, Emitter e) {

    Tensor in(int i) {
        return in.get(i);
    }

    TensorType inType(int i) {
        return in.get(i).type();
    }

    boolean needs(int i) {
        return needs[i];
    }

    int arity() {
        return in.size();
    }

    /** A result array with room for one cotangent per operand. */
    Tensor[] none() {
        return new Tensor[in.size()];
    }
}
