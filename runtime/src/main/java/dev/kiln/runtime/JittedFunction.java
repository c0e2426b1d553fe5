package dev.kiln.runtime;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.SourceLocation;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.buffers.CompileTimes;
import dev.kiln.tracer.FnN;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.Trace;
import dev.kiln.tracer.TracedFunction;
import dev.kiln.tracer.Tracing;
import dev.kiln.tracer.tree.PyTree;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A function compiled per abstract signature (JAX's {@code jax.jit}). The first call with a new
 * signature traces the function, compiles the graph on the backend and caches the executable;
 * later calls with that signature only run it. Concurrent first calls with one signature compile
 * once (the others wait for it); a compile that fails is not cached, so a later call tries again.
 * A call made inside another transform (a trace is open on this thread, or an argument is a tracer)
 * is inlined into that trace instead of compiled.
 *
 * <p>Every trace after the first is logged at {@code INFO} on the logger {@code dev.kiln.jit},
 * naming what changed from the closest cached signature; the first trace is logged at {@code FINE}.
 */
public final class JittedFunction implements FnN {
    private static final Logger LOG = Logger.getLogger("dev.kiln.jit");

    private final FnN f;
    private final JitOptions options;
    private final String label;
    private final ConcurrentHashMap<Signature, CompletableFuture<Compiled>> cache = new ConcurrentHashMap<>();
    /** Signatures in the order their traces started, for the re-trace log. */
    private final List<Signature> seen = new CopyOnWriteArrayList<>();
    private final AtomicInteger traces = new AtomicInteger();
    private volatile double lastCompileMillis = Double.NaN;

    private record Compiled(TracedFunction traced, Executable executable) {
    }

    JittedFunction(FnN f, JitOptions options, SourceLocation where) {
        this.f = f;
        this.options = options;
        String name = options.name() != null ? options.name()
                : where == null || where.isUnknown() ? "f" : where.shortText();
        this.label = "jit(" + name + ")";
    }

    /** How logs, dumps and errors name this function: {@code jit(name)} or {@code jit(File.java:line)}. */
    public String label() {
        return label;
    }

    /**
     * Wall-clock milliseconds of the latest trace, transforms and compile (what a new signature
     * costs before its first run), or NaN before the first.
     */
    public double lastCompileMillis() {
        return lastCompileMillis;
    }

    /** How many signatures have a compiled executable (or one being compiled). */
    public int cacheSize() {
        return cache.size();
    }

    /** How many times the function has been traced for compilation, failed attempts included. */
    public int traceCount() {
        return traces.get();
    }

    @Override
    public Object apply(List<Object> args) {
        PyTree.Flat flat = PyTree.flatten(args, "arguments of " + label);
        List<Tensor> leaves = tensorsOf(flat);
        boolean anyTracer = leaves.stream().anyMatch(t -> !t.isConcrete());
        if (Trace.current() != null) {
            return inline(args, leaves);
        }
        if (anyTracer) {
            throw escapedArgument(leaves);
        }
        Backend backend = options.backend() != null ? Backends.byName(options.backend()) : Backends.defaultBackend();
        List<TensorType> types = leaves.stream().map(Tensor::type).toList();
        Compiled c = compiled(new Signature(flat.def(), types, backend.name()), backend, args);
        List<ArrayData> in = new ArrayList<>(leaves.size());
        for (Tensor t : leaves) {
            in.add(t.data());
        }
        List<ArrayData> outs = c.executable().run(in);
        if (outs.size() != c.traced().outTree().leafCount()) {
            throw new KilnException(label, "backend " + c.executable().backendName() + " returned " + outs.size()
                    + " outputs for a graph with " + c.traced().outTree().leafCount());
        }
        List<Tensor> outTensors = new ArrayList<>(outs.size());
        for (ArrayData d : outs) {
            outTensors.add(Tensor.of(d));
        }
        return c.traced().outTree().unflatten(outTensors);
    }

    /** Under another transform: trace at the tracers' types and replay the graph into that trace. */
    private Object inline(List<Object> args, List<Tensor> leaves) {
        TracedFunction tf = trace(args);
        List<Tensor> in = new ArrayList<>(leaves);
        in.addAll(tf.captured());
        return tf.outTree().unflatten(Tracing.apply(tf.graph(), in));
    }

    private TracedFunction trace(List<Object> args) {
        TracedFunction tf = Tracing.trace(f, args, label);
        JitResults.checkTensorsOnly(tf.outTree(), label);
        return tf;
    }

    /** A tracer argument with no trace open on this thread has outlived its trace (or its thread). */
    private static KilnException escapedArgument(List<Tensor> leaves) {
        for (Tensor t : leaves) {
            if (!t.isConcrete()) {
                return Trace.escapedError(t);
            }
        }
        throw new IllegalStateException("no tracer among the arguments");
    }

    private Compiled compiled(Signature sig, Backend backend, List<Object> args) {
        CompletableFuture<Compiled> existing = cache.get(sig);
        if (existing == null) {
            CompletableFuture<Compiled> mine = new CompletableFuture<>();
            existing = cache.putIfAbsent(sig, mine);
            if (existing == null) {
                return compileInto(mine, sig, backend, args);
            }
        }
        try {
            return existing.join();
        } catch (CompletionException e) {
            throw rethrown(e.getCause());
        }
    }

    private Compiled compileInto(CompletableFuture<Compiled> mine, Signature sig, Backend backend, List<Object> args) {
        try {
            Compiled c = compile(sig, backend, args);
            mine.complete(c);
            return c;
        } catch (RuntimeException | Error e) {
            // Uncache before failing the waiters, so any call from now on tries again.
            cache.remove(sig, mine);
            seen.remove(sig);
            mine.completeExceptionally(e);
            throw e;
        }
    }

    /** A failure of a compile that ran in another thread, with this thread's stack. */
    private RuntimeException rethrown(Throwable cause) {
        return switch (cause) {
            case KilnException k -> new KilnException(k.operation(), k.detail(), k.source(), k.hint(), k);
            case RuntimeException r -> r;
            case Error err -> throw err;
            default -> new KilnException(label, "compiling failed: " + cause, null, null, cause);
        };
    }

    private Compiled compile(Signature sig, Backend backend, List<Object> args) {
        long start = System.nanoTime();
        int n = traces.incrementAndGet();
        logTrace(sig, n);
        seen.add(sig);
        TracedFunction tf = trace(args);
        if (CompileTimes.enabled()) {
            // The backend prints its stages after compiling; the trace (with grad and vmap) comes first.
            System.err.printf("kiln: %s: traced %d equations in %.1f ms%n", label, tf.graph().equations().size(),
                    (System.nanoTime() - start) / 1e6);
        }
        if (!tf.captured().isEmpty()) {
            // Unreachable while the tracer module rejects tracers of other threads' or ended traces.
            throw new KilnException(label, "the function closes over traced values of an enclosing transform",
                    SourceLocation.ofCaller(), "call it inside that transform, or pass the values as arguments");
        }
        Dump dump = Dump.forCompile(label);
        CompileOptions co = new CompileOptions(label, dump, options.fuse(), options.reuseBuffers());
        Compiled c = new Compiled(tf, CompilePipeline.compile(tf.graph(), backend, co));
        lastCompileMillis = (System.nanoTime() - start) / 1e6;
        return c;
    }

    private void logTrace(Signature sig, int n) {
        Signature closest = closestSeen(sig);
        if (closest == null) {
            if (LOG.isLoggable(Level.FINE)) {
                LOG.fine("kiln: " + label + ": tracing for the first time, at " + SourceLocation.ofCaller()
                        + ", for " + sig.describe());
            }
        } else if (LOG.isLoggable(Level.INFO)) {
            LOG.info("kiln: " + label + ": re-tracing (trace #" + n + ") at " + SourceLocation.ofCaller()
                    + " for a new signature: " + sig.explainChangeFrom(closest));
        }
    }

    /** The cached signature with the fewest changes to {@code sig} (the latest on a tie), or null. */
    private Signature closestSeen(Signature sig) {
        Signature best = null;
        int bestCount = Integer.MAX_VALUE;
        for (Signature s : seen) {
            int count = sig.changesFrom(s).size();
            if (count <= bestCount) {
                best = s;
                bestCount = count;
            }
        }
        return best;
    }

    private List<Tensor> tensorsOf(PyTree.Flat flat) {
        List<Tensor> out = new ArrayList<>(flat.leaves().size());
        for (Object o : flat.leaves()) {
            if (!(o instanceof Tensor t)) {
                throw new KilnException(label, "arguments must be Tensors (or pytrees of them), got an abstract " + o,
                        SourceLocation.ofCaller(), "use Kiln.makeGraph to trace with abstract shapes");
            }
            out.add(t);
        }
        return out;
    }
}
