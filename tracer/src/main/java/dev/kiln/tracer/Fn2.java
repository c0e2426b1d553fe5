package dev.kiln.tracer;

/**
 * A user function of 2 pytree arguments (Tensors, or records / Lists / Maps of them).
 */
@FunctionalInterface
public interface Fn2<A, B, R> {
    R apply(A a, B b);

    /** This function as an {@link FnN} over a list of 2 arguments. */
    @SuppressWarnings("unchecked")
    default FnN erase() {
        return args -> {
            Arity.check(args, 2);
            return apply((A) args.get(0), (B) args.get(1));
        };
    }
}
