package dev.kiln.tracer;

/**
 * A user function of 4 pytree arguments (Tensors, or records / Lists / Maps of them).
 */
@FunctionalInterface
public interface Fn4<A, B, C, D, R> {
    R apply(A a, B b, C c, D d);

    /** This function as an {@link FnN} over a list of 4 arguments. */
    @SuppressWarnings("unchecked")
    default FnN erase() {
        return args -> {
            Arity.check(args, 4);
            return apply((A) args.get(0), (B) args.get(1), (C) args.get(2), (D) args.get(3));
        };
    }
}
