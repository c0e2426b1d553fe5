package dev.kiln.ir.kernel;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A loop kernel with the constant part of each buffer's addresses moved into a base per buffer:
 * {@code kernel} indexes buffer {@code b} at {@code index - base(b)}, so the caller adds
 * {@code base(b)} to the buffer's offset. The kernels of an unrolled loop (step {@code t} reading
 * {@code x[t]}) then have equal bodies up to buffer identities, and a backend generates their code
 * once. A buffer's base is the constant of its first access, so equal kernels get equal bodies.
 */
public record RebasedKernel(LoopKernel kernel, Map<BufferRef, Integer> bases) {
    public RebasedKernel {
        bases = Map.copyOf(bases);
    }

    /** {@code k} rebased; a kernel whose bases are all zero is returned as it is. */
    public static RebasedKernel of(LoopKernel k) {
        Map<BufferRef, Integer> bases = basesOf(k);
        if (bases.isEmpty()) {
            return new RebasedKernel(k, Map.of());
        }
        List<Stmt> body = KernelWalk.mapAccesses(k.body(), (b, i) -> i.plus(-bases.getOrDefault(b, 0)));
        return new RebasedKernel(new LoopKernel(k.name(), k.reads(), k.writes(), k.scratch(), body, k.inPlace()), bases);
    }

    /**
     * The base of each buffer of {@code k} with a nonzero one, without rebasing its body: a kernel
     * equal to another but for constants added to its buffers' addresses has the other's rebased
     * body, with its own bases.
     */
    public static Map<BufferRef, Integer> basesOf(LoopKernel k) {
        Map<BufferRef, Integer> bases = new HashMap<>();
        KernelWalk.accesses(k.body(), (b, i) -> bases.putIfAbsent(b, i.constant()));
        bases.values().removeIf(v -> v == 0);
        return bases;
    }

    /** The base of {@code b} (0 if its addresses had no constant part). */
    public int base(BufferRef b) {
        return bases.getOrDefault(b, 0);
    }

    /** The bases of {@code buffers}, in order. */
    public int[] bases(List<BufferRef> buffers) {
        int[] out = new int[buffers.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = base(buffers.get(i));
        }
        return out;
    }
}
