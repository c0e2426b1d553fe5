package dev.kiln.bench.step;

import dev.kiln.ir.Atom;
import dev.kiln.ir.Constant;
import dev.kiln.ir.Graph;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.buffers.BufferPlan;
import dev.kiln.ir.buffers.CompiledPlan;

/**
 * The memory one call of a compiled step needs, from the compiler's own buffer plan (the plan
 * every backend runs with): the graph's inputs and constants, the arena that holds every
 * intermediate (its size after best-fit placement and reuse), and the fresh output arrays.
 * Library kernels' scratch (GEMM packing panels, a few MiB) is not counted.
 *
 * @param inputBytes        graph inputs and constants
 * @param arenaBytes        the arena of intermediates, as placed
 * @param outputBytes       the output arrays
 * @param intermediateBytes every intermediate added up: the arena without any reuse
 */
public record MemoryEstimate(long inputBytes, long arenaBytes, long outputBytes, long intermediateBytes) {

    /** What must fit: inputs, arena and outputs. */
    public long workingSetBytes() {
        return inputBytes + arenaBytes + outputBytes;
    }

    /** The buffer plan of {@code g} compiled with fusion and reuse as given. */
    public static MemoryEstimate of(Graph g, boolean fuse, boolean reuse) {
        BufferPlan plan = CompiledPlan.of(g, fuse, reuse).buffers();
        long inputs = 0;
        for (Var v : g.inputs()) {
            inputs += bytes(v.type());
        }
        for (Constant c : g.constants()) {
            inputs += bytes(c.var().type());
        }
        long outputs = 0;
        for (Atom a : g.outputs()) {
            outputs += bytes(a.type());
        }
        return new MemoryEstimate(inputs, plan.arenaBytes(), outputs, plan.intermediateBytes());
    }

    static long bytes(TensorType t) {
        long n = t.dtype().byteSize();
        for (int d : t.shape().toArray()) {
            n *= d;
        }
        return n;
    }
}
