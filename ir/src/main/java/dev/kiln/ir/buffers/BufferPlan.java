package dev.kiln.ir.buffers;

import dev.kiln.ir.DType;
import dev.kiln.ir.kernel.BufferRef;
import dev.kiln.ir.kernel.KernelProgram;
import java.util.List;
import java.util.Map;

/**
 * Where every buffer of a kernel program lives, from {@link BufferAssignment}: placements,
 * the storages with their live intervals, the size of each dtype's arena (elements), how each
 * graph output is produced, and the in-place reuses applied. {@link #text} is the
 * {@code 04-buffers.txt} dump with the arena size beside the sum of all intermediates.
 */
public record BufferPlan(KernelProgram program, boolean reuse, Map<BufferRef, Placement> placements,
                         List<Storage> storages, Map<BufferRef, Storage> storageOf, Map<DType, Integer> arenaSizes,
                         List<OutputBinding> outputs, List<InPlaceUse> inPlace) {

    /** Kernel {@code step} writes {@code written} over {@code read}, which dies in that kernel. */
    public record InPlaceUse(int step, BufferRef read, BufferRef written) {
    }

    public Placement placement(BufferRef b) {
        return placements.get(b);
    }

    public int arenaSize(DType d) {
        return arenaSizes.getOrDefault(d, 0);
    }

    /** Bytes of all arenas together. */
    public long arenaBytes() {
        long n = 0;
        for (Map.Entry<DType, Integer> e : arenaSizes.entrySet()) {
            n += (long) e.getValue() * e.getKey().byteSize();
        }
        return n;
    }

    /** Bytes the intermediates (computed values that are not graph outputs) would need with no reuse at all. */
    public long intermediateBytes() {
        long n = 0;
        for (Storage s : storages) {
            if (s.placement() != null && !s.isGraphOutput() && (s.inArena() || s.placement().where() == Placement.Where.OUTPUT)) {
                n += (long) s.root().size() * s.root().dtype().byteSize();
            }
        }
        return n;
    }

    public String text() {
        StringBuilder sb = new StringBuilder();
        sb.append("buffer reuse ").append(reuse ? "on" : "off").append("; arenas:");
        if (arenaSizes.isEmpty()) {
            sb.append(" none");
        }
        for (Map.Entry<DType, Integer> e : arenaSizes.entrySet()) {
            sb.append(' ').append(e.getKey()).append('[').append(e.getValue()).append(']');
        }
        sb.append('\n').append("arena bytes ").append(arenaBytes()).append(" vs ").append(intermediateBytes())
                .append(" bytes of intermediates").append('\n').append('\n');
        sb.append(String.format("%-16s %-18s %-7s %-28s %s%n", "buffer", "type", "live", "placement", "aliases"));
        for (Storage s : storages) {
            String live = s.def() < 0 ? "in" : s.def() + ".." + s.lastUse();
            String aliases = s.members().size() <= 1 ? "" : s.members().subList(1, s.members().size()).toString();
            sb.append(String.format("%-16s %-18s %-7s %-28s %s%n", s.root().name(), s.root().type(), live, s.placement(), aliases));
        }
        if (!inPlace.isEmpty()) {
            sb.append('\n').append("in place:\n");
            for (InPlaceUse u : inPlace) {
                sb.append("  ").append(program.kernels().get(u.step()).name()).append(": ").append(u.written())
                        .append(" over ").append(u.read()).append('\n');
            }
        }
        sb.append('\n').append("outputs:\n");
        for (int i = 0; i < outputs.size(); i++) {
            OutputBinding o = outputs.get(i);
            sb.append("  ").append(i).append(": ").append(o.kind()).append(' ')
                    .append(o.kind() == OutputBinding.Kind.FILL ? o.literal().text() : o.from().toString()).append('\n');
        }
        return sb.toString();
    }
}
