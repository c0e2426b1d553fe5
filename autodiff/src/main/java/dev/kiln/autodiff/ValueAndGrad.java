package dev.kiln.autodiff;

import dev.kiln.tracer.Tensor;

/** The result of {@code valueAndGrad}: the loss and its gradient. */
public record ValueAndGrad<G>(Tensor value, G grad) {
}
