package dev.kiln.ir.kernel;

import dev.kiln.ir.Equation;
import java.util.ArrayList;
import java.util.List;

/**
 * A library routine (matrix product, convolution, pooling, gather/scatter, random bits) applied
 * to operands in memory, writing {@code result}, then an optional epilogue loop kernel that reads
 * the result element for element (bias, activation, scaling). When the result is needed only by
 * the epilogue it lives in the epilogue's output buffer (the epilogue then updates it in place) or
 * in scratch memory.
 *
 * @param equation the library equation (primitive, operand and result types)
 */
public record LibraryKernel(String name, Equation equation, List<BufferRef> operands, BufferRef result,
                            LoopKernel epilogue, List<BufferRef> scratch) implements Kernel {
    public LibraryKernel {
        operands = List.copyOf(operands);
        scratch = List.copyOf(scratch);
    }

    @Override
    public List<BufferRef> reads() {
        List<BufferRef> r = new ArrayList<>(operands);
        if (epilogue != null) {
            for (BufferRef b : epilogue.reads()) {
                if (!b.equals(result) && !r.contains(b)) {
                    r.add(b);
                }
            }
        }
        return r;
    }

    @Override
    public List<BufferRef> writes() {
        List<BufferRef> w = new ArrayList<>();
        if (result.kind() != BufferRef.Kind.SCRATCH) {
            w.add(result);
        }
        if (epilogue != null) {
            for (BufferRef b : epilogue.writes()) {
                if (!w.contains(b)) {
                    w.add(b);
                }
            }
        }
        return w;
    }
}
