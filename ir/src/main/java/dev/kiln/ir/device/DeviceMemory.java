package dev.kiln.ir.device;

import dev.kiln.ir.Atom;
import dev.kiln.ir.DType;
import dev.kiln.ir.buffers.BufferPlan;
import dev.kiln.ir.buffers.Placement;
import dev.kiln.ir.kernel.BufferRef;
import dev.kiln.ir.kernel.Kernel;
import dev.kiln.ir.kernel.LibraryKernel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The device allocations of a compiled program, from its buffer plan: one arena per dtype (sized by
 * buffer assignment), one allocation per graph input, constant and output. Every buffer of the
 * kernel program is an element offset into one of them, a compile-time constant that GPU backends
 * bake into their kernels, so a kernel takes only the allocations it touches as arguments.
 */
public final class DeviceMemory {

    /** One device allocation. */
    public sealed interface Block {
        DType dtype();
    }

    /** The arena holding every intermediate and scratch buffer of one dtype. */
    public record Arena(DType dtype) implements Block {
    }

    /** Graph input {@code index}, uploaded (or found resident) at each call. */
    public record Input(int index, DType dtype) implements Block {
    }

    /** Graph constant {@code index}, uploaded once. */
    public record Constant(int index, DType dtype) implements Block {
    }

    /** The memory of graph output {@code index}, downloaded after the call. */
    public record Output(int index, DType dtype) implements Block {
    }

    /** Where a buffer lives: {@code offset} elements into {@code block}. */
    public record Location(Block block, int offset) {
    }

    private final BufferPlan plan;

    public DeviceMemory(BufferPlan plan) {
        this.plan = plan;
    }

    public BufferPlan plan() {
        return plan;
    }

    public Location locate(BufferRef b) {
        Placement p = plan.placement(b);
        if (p == null) {
            throw new IllegalStateException("buffer " + b + " has no placement");
        }
        return switch (p.where()) {
            case ARENA -> new Location(new Arena(b.dtype()), p.offset());
            case INPUT -> new Location(new Input(p.index(), b.dtype()), 0);
            case CONSTANT -> new Location(new Constant(p.index(), b.dtype()), 0);
            case OUTPUT -> new Location(new Output(p.index(), b.dtype()), 0);
        };
    }

    /** The distinct blocks {@code buffers} live in, in first-use order: a kernel's arguments. */
    public List<Block> blocks(Collection<BufferRef> buffers) {
        Set<Block> out = new LinkedHashSet<>();
        for (BufferRef b : buffers) {
            out.add(locate(b).block());
        }
        return new ArrayList<>(out);
    }

    /** Every buffer a kernel touches: reads, writes, scratch, a library kernel's result and epilogue. */
    public static List<BufferRef> touched(Kernel k) {
        Set<BufferRef> s = new LinkedHashSet<>(k.reads());
        s.addAll(k.writes());
        s.addAll(k.scratch());
        if (k instanceof LibraryKernel lib) {
            s.add(lib.result());
        }
        return new ArrayList<>(s);
    }

    /** Elements of the arena of {@code d} (0 when the plan needs none). */
    public int arenaSize(DType d) {
        return plan.arenaSize(d);
    }

    /** The dtypes that have an arena. */
    public List<DType> arenaTypes() {
        return plan.arenaSizes().entrySet().stream().filter(e -> e.getValue() > 0).map(java.util.Map.Entry::getKey).sorted().toList();
    }

    /** Elements of graph output {@code i} when the kernels write it (an owned output), else 0. */
    public int outputSize(int i) {
        var o = plan.outputs().get(i);
        return o.kind() == dev.kiln.ir.buffers.OutputBinding.Kind.OWNED ? o.type().numel() : 0;
    }

    /** The graph's outputs (for output bindings that copy or fill). */
    public List<Atom> outputs() {
        return plan.program().outputs();
    }
}
