package dev.kiln.runtime;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Graph;
import dev.kiln.ir.interp.Interpreter;
import java.util.List;

/** Runs graphs on the reference interpreter: always available, slow, the semantics oracle. */
public final class InterpreterBackend implements Backend {
    @Override
    public String name() {
        return "interpreter";
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Availability availability() {
        return Availability.yes("reference interpreter (f32/f64, single-threaded)");
    }

    @Override
    public Executable compile(Graph graph, CompileOptions options) {
        return new Executable() {
            @Override
            public List<ArrayData> run(List<ArrayData> inputs) {
                return Interpreter.run(graph, inputs);
            }

            @Override
            public String backendName() {
                return "interpreter";
            }
        };
    }
}
