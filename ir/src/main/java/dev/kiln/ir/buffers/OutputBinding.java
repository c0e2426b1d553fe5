package dev.kiln.ir.buffers;

import dev.kiln.ir.Literal;
import dev.kiln.ir.TensorType;

/**
 * How one graph output is produced after the kernels ran: it is output array {@code from.index()}
 * itself ({@code OWNED}), a copy of another placement ({@code COPY}: an input, a constant, a view
 * of an output already returned), or a scalar {@code literal} ({@code FILL}).
 */
public record OutputBinding(Kind kind, TensorType type, Placement from, Literal literal) {
    public enum Kind {
        OWNED, COPY, FILL
    }
}
