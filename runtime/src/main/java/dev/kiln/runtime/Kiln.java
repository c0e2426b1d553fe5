package dev.kiln.runtime;

import dev.kiln.autodiff.Autodiff;
import dev.kiln.autodiff.GradAndAux;
import dev.kiln.autodiff.ValueAndGrad;
import dev.kiln.autodiff.ValueGradAndAux;
import dev.kiln.autodiff.VjpResult;
import dev.kiln.autodiff.WithAux;
import dev.kiln.ir.Graph;
import dev.kiln.ir.SourceLocation;
import dev.kiln.tracer.Fn1;
import dev.kiln.tracer.Fn2;
import dev.kiln.tracer.Fn3;
import dev.kiln.tracer.Fn4;
import dev.kiln.tracer.FnN;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.Tracing;
import dev.kiln.vmap.Vmap;
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

    /**
     * {@code f} compiled once per abstract signature (the arguments' pytree structure and static
     * values, every tensor's dtype and shape, the backend) and run from the cache afterwards; safe
     * to call from many threads. Inside another transform it is inlined. Re-traces are logged on
     * {@code dev.kiln.jit} with what changed. See {@link JittedFunction} and docs/runtime.md.
     */
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
    public static JittedFunction jitN(FnN f) {
        return new JittedFunction(f, JitOptions.defaults(), SourceLocation.ofCaller());
    }

    public static JittedFunction jitN(FnN f, JitOptions options) {
        return new JittedFunction(f, options, SourceLocation.ofCaller());
    }

    // ---------------------------------------------------------------- grad

    private static final int[] FIRST = {0};

    /** The gradient of {@code f}'s scalar result with respect to its first argument (a pytree). */
    @SuppressWarnings("unchecked")
    public static <A> Fn1<A, A> grad(Fn1<A, Tensor> f) {
        FnN g = Autodiff.grad(f.erase(), FIRST, false);
        return a -> (A) g.apply(Arrays.asList(a));
    }

    @SuppressWarnings("unchecked")
    public static <A, B> Fn2<A, B, A> grad(Fn2<A, B, Tensor> f) {
        FnN g = Autodiff.grad(f.erase(), FIRST, false);
        return (a, b) -> (A) g.apply(Arrays.asList(a, b));
    }

    @SuppressWarnings("unchecked")
    public static <A, B, C> Fn3<A, B, C, A> grad(Fn3<A, B, C, Tensor> f) {
        FnN g = Autodiff.grad(f.erase(), FIRST, false);
        return (a, b, c) -> (A) g.apply(Arrays.asList(a, b, c));
    }

    @SuppressWarnings("unchecked")
    public static <A, B, C, D> Fn4<A, B, C, D, A> grad(Fn4<A, B, C, D, Tensor> f) {
        FnN g = Autodiff.grad(f.erase(), FIRST, false);
        return (a, b, c, d) -> (A) g.apply(Arrays.asList(a, b, c, d));
    }

    /** Gradients with respect to the arguments at {@code argnums}: one pytree each, in a List. */
    public static <A, B> Fn2<A, B, List<Object>> grad(Fn2<A, B, Tensor> f, int... argnums) {
        FnN g = gradList(f.erase(), argnums);
        return (a, b) -> asList(g.apply(Arrays.asList(a, b)));
    }

    public static <A, B, C> Fn3<A, B, C, List<Object>> grad(Fn3<A, B, C, Tensor> f, int... argnums) {
        FnN g = gradList(f.erase(), argnums);
        return (a, b, c) -> asList(g.apply(Arrays.asList(a, b, c)));
    }

    public static <A, B, C, D> Fn4<A, B, C, D, List<Object>> grad(Fn4<A, B, C, D, Tensor> f, int... argnums) {
        FnN g = gradList(f.erase(), argnums);
        return (a, b, c, d) -> asList(g.apply(Arrays.asList(a, b, c, d)));
    }

    private static FnN gradList(FnN f, int[] argnums) {
        FnN g = Autodiff.grad(f, argnums, false);
        return argnums.length == 1 ? args -> List.of(g.apply(args)) : g;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> asList(Object o) {
        return (List<Object>) o;
    }

    /** The value of {@code f} and its gradient with respect to the first argument. */
    @SuppressWarnings("unchecked")
    public static <A> Fn1<A, ValueAndGrad<A>> valueAndGrad(Fn1<A, Tensor> f) {
        FnN g = Autodiff.valueAndGrad(f.erase(), FIRST, false);
        return a -> (ValueAndGrad<A>) g.apply(Arrays.asList(a));
    }

    @SuppressWarnings("unchecked")
    public static <A, B> Fn2<A, B, ValueAndGrad<A>> valueAndGrad(Fn2<A, B, Tensor> f) {
        FnN g = Autodiff.valueAndGrad(f.erase(), FIRST, false);
        return (a, b) -> (ValueAndGrad<A>) g.apply(Arrays.asList(a, b));
    }

    @SuppressWarnings("unchecked")
    public static <A, B, C> Fn3<A, B, C, ValueAndGrad<A>> valueAndGrad(Fn3<A, B, C, Tensor> f) {
        FnN g = Autodiff.valueAndGrad(f.erase(), FIRST, false);
        return (a, b, c) -> (ValueAndGrad<A>) g.apply(Arrays.asList(a, b, c));
    }

    @SuppressWarnings("unchecked")
    public static <A, B, C, D> Fn4<A, B, C, D, ValueAndGrad<A>> valueAndGrad(Fn4<A, B, C, D, Tensor> f) {
        FnN g = Autodiff.valueAndGrad(f.erase(), FIRST, false);
        return (a, b, c, d) -> (ValueAndGrad<A>) g.apply(Arrays.asList(a, b, c, d));
    }

    /** {@code f} returns its loss with auxiliary outputs; only the loss is differentiated. */
    @SuppressWarnings("unchecked")
    public static <A, B, X> Fn2<A, B, GradAndAux<A, X>> gradWithAux(Fn2<A, B, WithAux<X>> f) {
        FnN g = Autodiff.grad(f.erase(), FIRST, true);
        return (a, b) -> (GradAndAux<A, X>) g.apply(Arrays.asList(a, b));
    }

    @SuppressWarnings("unchecked")
    public static <A, B, C, X> Fn3<A, B, C, GradAndAux<A, X>> gradWithAux(Fn3<A, B, C, WithAux<X>> f) {
        FnN g = Autodiff.grad(f.erase(), FIRST, true);
        return (a, b, c) -> (GradAndAux<A, X>) g.apply(Arrays.asList(a, b, c));
    }

    @SuppressWarnings("unchecked")
    public static <A, B, C, X> Fn3<A, B, C, ValueGradAndAux<A, X>> valueAndGradWithAux(Fn3<A, B, C, WithAux<X>> f) {
        FnN g = Autodiff.valueAndGrad(f.erase(), FIRST, true);
        return (a, b, c) -> (ValueGradAndAux<A, X>) g.apply(Arrays.asList(a, b, c));
    }

    /** {@code f} at {@code a}, with its pullback (JAX's {@code vjp}). */
    public static <A> VjpResult vjp(Fn1<A, ?> f, A a) {
        return Autodiff.vjp(f.erase(), Arrays.asList(a));
    }

    public static <A, B> VjpResult vjp(Fn2<A, B, ?> f, A a, B b) {
        return Autodiff.vjp(f.erase(), Arrays.asList(a, b));
    }

    // ---------------------------------------------------------------- vmap

    /**
     * Per-argument axes for {@link #vmap}: an Integer (the mapped axis; negative counts from the
     * end), {@code null} (not mapped: shared by all examples, e.g. parameters), or a pytree of the
     * argument's structure with Integer/null leaves. {@code in(null, 0, 0)} maps x and y over axis
     * 0 and shares the parameters.
     */
    public static List<Object> in(Object... perArgument) {
        return Vmap.in(perArgument);
    }

    /** {@code f} mapped over axis 0 of its argument and result. */
    @SuppressWarnings("unchecked")
    public static <A, R> Fn1<A, R> vmap(Fn1<A, R> f) {
        return vmap(f, 0, 0);
    }

    /**
     * {@code f} mapped over {@code inAxes} of its one argument: an Integer, {@code null}, a pytree
     * of the argument's structure, or {@link #in}{@code (axes)}. A List of one element reads as
     * {@code in(element)}; a List of any other length can only be the axes of a List argument.
     */
    @SuppressWarnings("unchecked")
    public static <A, R> Fn1<A, R> vmap(Fn1<A, R> f, Object inAxes, Object outAxes) {
        boolean perArgument = inAxes instanceof List<?> l && l.size() == 1;
        FnN v = Vmap.vmap(f.erase(), perArgument ? inAxes : in(inAxes), outAxes);
        return a -> (R) v.apply(Arrays.asList(a));
    }

    public static <A, B, R> Fn2<A, B, R> vmap(Fn2<A, B, R> f, List<Object> inAxes) {
        return vmap(f, inAxes, 0);
    }

    @SuppressWarnings("unchecked")
    public static <A, B, R> Fn2<A, B, R> vmap(Fn2<A, B, R> f, List<Object> inAxes, Object outAxes) {
        FnN v = Vmap.vmap(f.erase(), inAxes, outAxes);
        return (a, b) -> (R) v.apply(Arrays.asList(a, b));
    }

    public static <A, B, C, R> Fn3<A, B, C, R> vmap(Fn3<A, B, C, R> f, List<Object> inAxes) {
        return vmap(f, inAxes, 0);
    }

    @SuppressWarnings("unchecked")
    public static <A, B, C, R> Fn3<A, B, C, R> vmap(Fn3<A, B, C, R> f, List<Object> inAxes, Object outAxes) {
        FnN v = Vmap.vmap(f.erase(), inAxes, outAxes);
        return (a, b, c) -> (R) v.apply(Arrays.asList(a, b, c));
    }

    public static <A, B, C, D, R> Fn4<A, B, C, D, R> vmap(Fn4<A, B, C, D, R> f, List<Object> inAxes) {
        return vmap(f, inAxes, 0);
    }

    @SuppressWarnings("unchecked")
    public static <A, B, C, D, R> Fn4<A, B, C, D, R> vmap(Fn4<A, B, C, D, R> f, List<Object> inAxes, Object outAxes) {
        FnN v = Vmap.vmap(f.erase(), inAxes, outAxes);
        return (a, b, c, d) -> (R) v.apply(Arrays.asList(a, b, c, d));
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
                .map(b -> {
                    Backend.Availability av = Backends.availability(b);
                    return new DeviceInfo(b.name(), b.priority(), av.available(), av.reason());
                })
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
