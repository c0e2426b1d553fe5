package dev.kiln.autodiff;

/** The result of {@code grad} with {@code hasAux}: the gradient, and the function's auxiliary values. */
public record GradAndAux<G, A>(G grad, A aux) {
}
