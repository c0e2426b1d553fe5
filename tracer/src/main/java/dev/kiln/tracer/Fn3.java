package dev.kiln.tracer;

/**
 * A user function of 3 pytree arguments (Tensors, or records / Lists / Maps of them).
 */
@FunctionalInterface
public interface Fn3<A, B, C, R> {
    R apply(A a, B b, C c);

    /** This function as an {@link FnN} over a list of 3 arguments. */
    @SuppressWarnings("unchecked")
    default FnN erase() {
        return args -> {
            Arity.check(args, 3);
            return apply((A) args.get(0), (B) args.get(1), (C) args.get(2));
        };
    }
}
