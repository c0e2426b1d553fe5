package dev.kiln.tracer;

import dev.kiln.ir.KilnException;
import dev.kiln.ir.SourceLocation;
import java.util.List;

final class Arity {
    private Arity() {
    }

    static void check(List<Object> args, int n) {
        if (args.size() != n) {
            throw new KilnException("call", "function takes " + n + " argument" + (n == 1 ? "" : "s")
                    + ", got " + args.size(), SourceLocation.ofCaller(), null);
        }
    }
}
