package dev.kiln.tracer;

import java.util.List;

/**
 * A function of any number of pytree arguments returning a pytree: the uniform shape every
 * transform works on. Users write {@link Fn1} to {@link Fn4} lambdas; {@code erase()} turns those
 * into this.
 */
@FunctionalInterface
public interface FnN {
    Object apply(List<Object> args);
}
