package dev.kiln.runtime;

import dev.kiln.ir.Graph;
import dev.kiln.ir.SourceLocation;
import dev.kiln.tracer.Fn1;
import dev.kiln.tracer.Fn2;
import dev.kiln.tracer.Fn3;
import dev.kiln.tracer.Fn4;
import dev.kiln.tracer.FnN;
import dev.kiln.tracer.Tracing;
import java.util.Arrays;
import java.util.List;

/**
 * Kiln's front door, read like JAX: {@code jit}, {@code grad}, {@code vmap} and friends, all
 * composable. The per-example gradient of DP-SGD is
 * {@code Kiln.jit(Kiln.vmap(Kiln.grad(loss), Kiln.in(null, 0, 0)))}.
 *
 * <pre>{@code
 * record Params(Tensor w, Tensor b) {}
 * Fn3<Params, Tensor, Tensor, Tensor> loss = (p, x, y) ->
 *         Functional.crossEntropy(x.matmul(p.w().mT()).add(p.b()), y).mean();
 * var step = Kiln.jit(Kiln.grad(loss));   // Fn3<Params, Tensor, Tensor, Params>
 * Params g = step.apply(params, x, y);
 * }</pre>
 */
public final class Kiln {
    private Kiln() {
    }

    // ---------------------------------------------------------------- jit

    public static <A, R> Fn1<A, R> jit(Fn1<A, R> f) {
        return jit(f, JitOptions.defaults());
    }

    @SuppressWarnings("unchecked")
    public static <A, R> Fn1<A, R> jit(Fn1<A, R> f, JitOptions options) {
        JittedFunction j = new JittedFunction(f.erase(), options, SourceLocation.ofCaller());
        return a -> (R) j.apply(Arrays.asList(a));
    }

    public static <A, B, R> Fn2<A, B, R> jit(Fn2<A, B, R> f) {
        return jit(f, JitOptions.defaults());
    }

    @SuppressWarnings("unchecked")
    public static <A, B, R> Fn2<A, B, R> jit(Fn2<A, B, R> f, JitOptions options) {
        JittedFunction j = new JittedFunction(f.erase(), options, SourceLocation.ofCaller());
        return (a, b) -> (R) j.apply(Arrays.asList(a, b));
    }

    public static <A, B, C, R> Fn3<A, B, C, R> jit(Fn3<A, B, C, R> f) {
        return jit(f, JitOptions.defaults());
    }

    @SuppressWarnings("unchecked")
    public static <A, B, C, R> Fn3<A, B, C, R> jit(Fn3<A, B, C, R> f, JitOptions options) {
        JittedFunction j = new JittedFunction(f.erase(), options, SourceLocation.ofCaller());
        return (a, b, c) -> (R) j.apply(Arrays.asList(a, b, c));
    }

    public static <A, B, C, D, R> Fn4<A, B, C, D, R> jit(Fn4<A, B, C, D, R> f) {
        return jit(f, JitOptions.defaults());
    }

    @SuppressWarnings("unchecked")
    public static <A, B, C, D, R> Fn4<A, B, C, D, R> jit(Fn4<A, B, C, D, R> f, JitOptions options) {
        JittedFunction j = new JittedFunction(f.erase(), options, SourceLocation.ofCaller());
        return (a, b, c, d) -> (R) j.apply(Arrays.asList(a, b, c, d));
    }

    /** jit of an untyped function, exposing the cache ({@link JittedFunction#cacheSize()}). */
    public static JittedFunction jitN(FnN f, JitOptions options) {
        return new JittedFunction(f, options, SourceLocation.ofCaller());
    }

    // ---------------------------------------------------------------- graphs

    /** The traced graph of {@code f} at the signature of {@code a} (JAX's {@code make_jaxpr}). */
    public static <A> Graph makeGraph(Fn1<A, ?> f, A a) {
        return Tracing.makeGraph(f.erase(), Arrays.asList(a));
    }

    public static <A, B> Graph makeGraph(Fn2<A, B, ?> f, A a, B b) {
        return Tracing.makeGraph(f.erase(), Arrays.asList(a, b));
    }

    public static <A, B, C> Graph makeGraph(Fn3<A, B, C, ?> f, A a, B b, C c) {
        return Tracing.makeGraph(f.erase(), Arrays.asList(a, b, c));
    }

    public static <A, B, C, D> Graph makeGraph(Fn4<A, B, C, D, ?> f, A a, B b, C c, D d) {
        return Tracing.makeGraph(f.erase(), Arrays.asList(a, b, c, d));
    }

    // ---------------------------------------------------------------- devices

    /** The registered backends and whether each can run here. */
    public static List<DeviceInfo> devices() {
        return Backends.all().stream()
                .map(b -> new DeviceInfo(b.name(), b.priority(), b.availability().available(), b.availability().reason()))
                .toList();
    }

    /** Chooses the backend for every later compile that names none (null: back to the default). */
    public static void setBackend(String name) {
        Backends.setDefault(name);
    }

    /** One backend as {@link #devices()} reports it. */
    public record DeviceInfo(String name, int priority, boolean available, String description) {
    }
}
