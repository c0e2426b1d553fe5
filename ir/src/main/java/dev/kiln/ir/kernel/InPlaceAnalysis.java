package dev.kiln.ir.kernel;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the (read, written) buffer pairs of a loop kernel that may share memory: same dtype and
 * size, the read buffer only ever read at exactly the index the written one is stored at, the
 * written one never read, neither one both read and written. Since a kernel's stores come after
 * all loads of their iteration, the iteration that overwrites an element has already read it,
 * and no other iteration reads it.
 */
final class InPlaceAnalysis {
    private InPlaceAnalysis() {
    }

    static List<LoopKernel.InPlace> of(List<Stmt> body, List<BufferRef> reads, List<BufferRef> writes) {
        Map<BufferRef, Set<Idx>> loads = new LinkedHashMap<>();
        Map<BufferRef, Set<Idx>> stores = new LinkedHashMap<>();
        KernelWalk.exprs(body, e -> {
            if (e instanceof Expr.Load l) {
                loads.computeIfAbsent(l.buffer(), b -> new HashSet<>()).add(l.index());
            }
        });
        collectStores(body, stores);
        List<LoopKernel.InPlace> out = new ArrayList<>();
        for (BufferRef w : writes) {
            Set<Idx> at = stores.get(w);
            if (at == null || at.size() != 1 || loads.containsKey(w)) {
                continue;
            }
            for (BufferRef r : reads) {
                if (r.kind() == BufferRef.Kind.VALUE && r.dtype() == w.dtype() && r.size() == w.size()
                        && !stores.containsKey(r) && at.equals(loads.get(r))) {
                    out.add(new LoopKernel.InPlace(r, w));
                }
            }
        }
        return out;
    }

    private static void collectStores(List<Stmt> body, Map<BufferRef, Set<Idx>> stores) {
        for (Stmt s : body) {
            switch (s) {
                case Stmt.Loop l -> collectStores(l.body(), stores);
                case Stmt.If i -> {
                    collectStores(i.then(), stores);
                    collectStores(i.otherwise(), stores);
                }
                case Stmt.Store st -> stores.computeIfAbsent(st.buffer(), b -> new HashSet<>()).add(st.index());
                default -> {
                }
            }
        }
    }
}
