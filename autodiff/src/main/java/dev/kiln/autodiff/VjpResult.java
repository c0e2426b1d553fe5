package dev.kiln.autodiff;

import dev.kiln.tracer.FnN;

/**
 * The result of {@code vjp(f, primals)}: {@code f}'s output at the primals, and the pullback, a
 * function of one argument (a cotangent with the output's structure and types) returning the
 * list of cotangents of the primals, one pytree per primal argument.
 */
public record VjpResult(Object output, FnN pullback) {
}
