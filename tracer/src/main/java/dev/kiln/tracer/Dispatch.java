package dev.kiln.tracer;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.SourceLocation;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.interp.Interpreter;
import dev.kiln.ir.prim.Primitive;
import dev.kiln.ir.prim.ShapeRules;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies a primitive to tensors (JAX's {@code bind}): records it into the current trace, or,
 * when nothing is being traced, runs it at once on the reference interpreter (eager mode). Every
 * Tensor operation ends here, and so do the rules of the transforms, which emit their equations
 * by binding primitives inside a trace.
 */
public final class Dispatch {
    private Dispatch() {
    }

    /** Binds {@code p} to {@code args}, attributing it to the first caller outside Kiln. */
    public static Tensor bind(Primitive p, List<Tensor> args) {
        return bind(p, args, null);
    }

    public static Tensor bind(Primitive p, Tensor... args) {
        return bind(p, List.of(args), null);
    }

    /**
     * Binds {@code p} to {@code args}, attributing it to {@code source} (transforms pass the line
     * of the equation they are rewriting, so user lines survive grad and vmap), or to the first
     * caller outside Kiln when {@code source} is null.
     */
    public static Tensor bind(Primitive p, List<Tensor> args, SourceLocation source) {
        Trace trace = Trace.current();
        if (trace != null) {
            return trace.record(p, args, source != null ? source : SourceLocation.ofCaller());
        }
        return evaluate(p, args, source);
    }

    private static Tensor evaluate(Primitive p, List<Tensor> args, SourceLocation source) {
        List<ArrayData> arrays = new ArrayList<>(args.size());
        List<TensorType> types = new ArrayList<>(args.size());
        for (Tensor a : args) {
            if (!a.isConcrete()) {
                throw Trace.escaped(a, null);
            }
            arrays.add(a.data());
            types.add(a.type());
        }
        try {
            ShapeRules.infer(p, types);
            return Tensor.concrete(Interpreter.evaluate(p, arrays));
        } catch (KilnException e) {
            throw e.at(source != null ? source : SourceLocation.ofCaller());
        }
    }
}
