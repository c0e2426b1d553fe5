package dev.kiln.tracer;

/**
 * A user function of 1 pytree argument (Tensors, or records / Lists / Maps of them).
 */
@FunctionalInterface
public interface Fn1<A, R> {
    R apply(A a);

    /** This function as an {@link FnN} over a list of 1 argument. */
    @SuppressWarnings("unchecked")
    default FnN erase() {
        return args -> {
            Arity.check(args, 1);
            return apply((A) args.get(0));
        };
    }
}
