package dev.kiln.codegen.jvm.library;

import dev.kiln.codegen.jvm.kernels.IndexKernels;
import dev.kiln.ir.Atom;
import dev.kiln.ir.Equation;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.Concatenate;
import dev.kiln.ir.prim.ConvGeneralDilated;
import dev.kiln.ir.prim.DotGeneral;
import dev.kiln.ir.prim.Gather;
import dev.kiln.ir.prim.RandomBits;
import dev.kiln.ir.prim.RandomSplit;
import dev.kiln.ir.prim.ReduceWindow;
import dev.kiln.ir.prim.ScatterAdd;
import dev.kiln.ir.prim.SelectAndScatterAdd;
import java.util.List;

/**
 * Chooses the implementation of each library primitive: the hand-written kernels of
 * {@code dev.kiln.codegen.jvm.kernels} for products, convolutions, pooling and indexing, Threefry
 * for random bits, block copies for long concatenations.
 */
public final class LibraryCalls {
    private LibraryCalls() {
    }

    /** The prepared call for {@code eq} (a library equation) on its operand types. */
    public static LibraryCall prepare(Equation eq) {
        List<TensorType> in = eq.inputs().stream().map(Atom::type).toList();
        return switch (eq.primitive()) {
            case DotGeneral d -> KernelCalls.dot(d, in);
            case ConvGeneralDilated c -> KernelCalls.conv(c, in);
            case ReduceWindow w -> KernelCalls.reduceWindow(w, in);
            case SelectAndScatterAdd s -> KernelCalls.selectAndScatterAdd(s, in);
            case Gather g -> KernelCalls.gather(g, in);
            case ScatterAdd s -> KernelCalls.scatterAdd(s, in);
            case RandomBits r -> RandomCalls.bits(in.getFirst(), eq.out().type());
            case RandomSplit r -> RandomCalls.split(in.getFirst(), r.count());
            case Concatenate c -> new ConcatCall(c.dimension(), in, eq.out().type());
            default -> throw new IllegalStateException(eq.primitive().name() + " is not a library primitive");
        };
    }

    /** {@code eq}, a scatter_add, with its operand passed as the one element every element of it equals. */
    public static LibraryCall scatterAddFromScalar(Equation eq) {
        List<TensorType> in = eq.inputs().stream().map(Atom::type).toList();
        ScatterAdd p = (ScatterAdd) eq.primitive();
        return KernelCalls.scatterAdd(IndexKernels.prepareScatterAdd(p, in.get(0), in.get(1), in.get(2)).withScalarOperand());
    }

    /**
     * The squared norm of each batch element of {@code eq}, a scatter_add into zeros, without the
     * scatter: operands the indices and the updates (with {@code scalarUpdates}, the one element
     * every update equals), result the first batch elements of an array.
     */
    public static LibraryCall scatterNorms(Equation eq, boolean scalarUpdates) {
        List<TensorType> in = eq.inputs().stream().map(Atom::type).toList();
        return KernelCalls.scatterNorms((ScatterAdd) eq.primitive(), in, scalarUpdates);
    }
}
