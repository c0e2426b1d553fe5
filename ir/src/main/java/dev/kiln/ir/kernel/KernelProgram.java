package dev.kiln.ir.kernel;

import dev.kiln.ir.Atom;
import dev.kiln.ir.Var;
import dev.kiln.ir.fusion.FusionPlan;
import java.util.List;
import java.util.Map;

/**
 * A graph lowered to kernels: the schedule every backend runs in order, the buffers they use,
 * and how the graph's inputs, constants and outputs map onto buffers. Backends render each kernel
 * and place the buffers (see {@code dev.kiln.ir.buffers}).
 *
 * @param inputs    one buffer per graph input, in order
 * @param constants one buffer per graph constant, in order
 * @param outputs   the graph's output atoms; a variable's buffer is {@link #bufferOf}, a literal
 *                  is a value to fill in
 * @param renamedFrom loop kernels (epilogues included) that lowering took from an earlier, structurally
 *                  equal kernel, by identity, to that kernel's loop kernel (see {@link #template})
 */
public record KernelProgram(FusionPlan plan, List<Kernel> kernels, List<BufferRef> buffers, Map<Var, BufferRef> bufferOf,
                            List<BufferRef> inputs, List<BufferRef> constants, List<Atom> outputs,
                            Map<LoopKernel, LoopKernel> renamedFrom) {
    public KernelProgram {
        kernels = List.copyOf(kernels);
        buffers = List.copyOf(buffers);
        inputs = List.copyOf(inputs);
        constants = List.copyOf(constants);
        outputs = List.copyOf(outputs);
    }

    /**
     * The loop kernel whose IR {@code k} shares: {@code k} itself, or an earlier kernel of which
     * {@code k} is a copy with other buffers, position for position in its reads, writes and
     * scratch, and possibly constants added to a buffer's addresses (a slice at another start): so
     * a backend may reuse what it derived from the template's body, such as generated code for its
     * rebased body ({@link RebasedKernel}), with {@code k}'s own buffers and address bases.
     */
    public LoopKernel template(LoopKernel k) {
        LoopKernel t = renamedFrom.get(k);
        return t == null ? k : t;
    }

    /** The buffer holding {@code v}, or null. */
    public BufferRef buffer(Var v) {
        return bufferOf.get(v);
    }

    /** The kernel IR of every kernel, printed ({@code 05-kernels.txt}). */
    public String text() {
        return KernelPrinter.print(this);
    }
}
