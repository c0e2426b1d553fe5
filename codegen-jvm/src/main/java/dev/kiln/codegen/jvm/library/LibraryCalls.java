package dev.kiln.codegen.jvm.library;

import dev.kiln.ir.Atom;
import dev.kiln.ir.Equation;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.RandomBits;
import dev.kiln.ir.prim.RandomSplit;
import java.util.List;

/** Chooses the implementation of each library primitive. */
public final class LibraryCalls {
    private LibraryCalls() {
    }

    /** The prepared call for {@code eq} (a library equation) on its operand types. */
    public static LibraryCall prepare(Equation eq) {
        List<TensorType> in = eq.inputs().stream().map(Atom::type).toList();
        return switch (eq.primitive()) {
            case RandomBits r -> RandomCalls.bits(in.getFirst(), eq.out().type());
            case RandomSplit r -> RandomCalls.split(in.getFirst(), r.count());
            default -> new InterpretedCall(eq.primitive(), in, eq.out().type());
        };
    }
}
