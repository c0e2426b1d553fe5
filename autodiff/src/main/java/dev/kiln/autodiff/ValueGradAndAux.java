package dev.kiln.autodiff;

import dev.kiln.tracer.Tensor;

/** The result of {@code valueAndGrad} with {@code hasAux}: the loss, its gradient and the auxiliary values. */
public record ValueGradAndAux<G, A>(Tensor value, G grad, A aux) {
}
