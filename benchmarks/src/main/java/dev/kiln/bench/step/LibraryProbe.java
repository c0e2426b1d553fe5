package dev.kiln.bench.step;

import dev.kiln.codegen.jvm.library.LibraryCall;
import dev.kiln.codegen.jvm.library.LibraryCalls;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.fusion.PrimitiveRole;
import dev.kiln.runtime.Kiln;
import dev.kiln.tracer.Fn1;
import dev.kiln.tracer.Tensor;
import java.util.List;
import java.util.TreeSet;

/**
 * Which library primitives the JVM backend still runs through the reference interpreter (its
 * fallback for primitives without a hand-written kernel), so the results can say which figures a
 * missing kernel holds back. Traces small graphs that use every library primitive the paper's
 * models need and asks the backend how it would run each one.
 */
public final class LibraryProbe {
    private LibraryProbe() {
    }

    /** Primitive names run by the interpreter fallback, sorted; empty when every one has a kernel. */
    public static List<String> interpretedPrimitives() {
        Tensor x = Tensor.ones(2, 3, 6, 6), w = Tensor.ones(4, 3, 3, 3), ids = Tensor.of(new int[] {1, 0}, 2);
        Tensor table = Tensor.ones(5, 3), a = Tensor.ones(4, 4);
        List<Graph> graphs = List.of(
                Kiln.makeGraph((Fn1<Tensor, Tensor>) m -> m.matmul(m), a),
                Kiln.makeGraph(Kiln.grad((Fn1<Tensor, Tensor>) k -> x.conv2d(k, 1, 1).maxPool2d(2, 1, 0).avgPool2d(2, 2, 0).sum()), w),
                Kiln.makeGraph(Kiln.grad((Fn1<Tensor, Tensor>) t -> t.take(ids).sum()), table));
        TreeSet<String> names = new TreeSet<>();
        for (Graph g : graphs) {
            for (Equation eq : g.equations()) {
                if (PrimitiveRole.of(eq.primitive()) != PrimitiveRole.LIBRARY) {
                    continue;
                }
                LibraryCall call = LibraryCalls.prepare(eq);
                if (call.getClass().getSimpleName().equals("InterpretedCall")) {
                    names.add(eq.primitive().name());
                }
            }
        }
        return List.copyOf(names);
    }
}
