package dev.kiln.ir.fusion;

import dev.kiln.ir.Equation;

/**
 * A fusion that was refused: {@code producer}'s value is written to memory and read back by
 * kernel {@code consumerKernel} (an index into the plan's kernels), for {@code reason}.
 */
public record Refusal(Equation producer, int consumerKernel, FusionReason reason, String detail) {
}
