package dev.kiln.bench.step;

import dev.kiln.ir.Atom;
import dev.kiln.ir.Constant;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The memory one call of a graph needs, from liveness over its equations in order: each
 * intermediate lives from the equation that defines it to its last use (graph outputs to the
 * end), inputs and constants for the whole call. The peak of live intermediates is the arena an
 * ideal best-fit allocator needs without fusion (fusion only lowers it: fused intermediates never
 * reach memory); the sum of all intermediates is what no reuse at all needs.
 *
 * <p>This stands in for the JVM backend's buffer plan ({@code BufferPlan.arenaBytes()}), which
 * had not landed on main when the benchmarks were written.
 *
 * @param inputBytes            graph inputs and constants
 * @param peakIntermediateBytes the most bytes of intermediates (outputs included) live at once
 * @param totalIntermediateBytes every intermediate's bytes added up
 */
public record MemoryEstimate(long inputBytes, long peakIntermediateBytes, long totalIntermediateBytes) {

    /** Inputs plus the peak of live intermediates: what must fit. */
    public long workingSetBytes() {
        return inputBytes + peakIntermediateBytes;
    }

    public static MemoryEstimate of(Graph g) {
        long inputs = 0;
        for (Var v : g.inputs()) {
            inputs += bytes(v.type());
        }
        for (Constant c : g.constants()) {
            inputs += bytes(c.var().type());
        }
        List<Equation> eqs = g.equations();
        Map<Var, Integer> lastUse = new IdentityHashMap<>();
        for (int i = 0; i < eqs.size(); i++) {
            for (Atom a : eqs.get(i).inputs()) {
                if (a instanceof Var v) {
                    lastUse.put(v, i);
                }
            }
        }
        for (Atom a : g.outputs()) {
            if (a instanceof Var v) {
                lastUse.put(v, eqs.size());
            }
        }
        // freeAt[i]: bytes whose last use is equation i, released after it runs.
        long[] freeAt = new long[eqs.size() + 1];
        long live = 0, peak = 0, total = 0;
        for (int i = 0; i < eqs.size(); i++) {
            Var out = eqs.get(i).out();
            long b = bytes(out.type());
            total += b;
            live += b;
            peak = Math.max(peak, live);
            int last = lastUse.getOrDefault(out, i);
            freeAt[last] += b;
            live -= freeAt[i];
        }
        return new MemoryEstimate(inputs, peak, total);
    }

    static long bytes(TensorType t) {
        long n = t.dtype().byteSize();
        for (int d : t.shape().toArray()) {
            n *= d;
        }
        return n;
    }
}
