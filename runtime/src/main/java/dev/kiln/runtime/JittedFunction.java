package dev.kiln.runtime;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.SourceLocation;
import dev.kiln.ir.TensorType;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A function compiled per abstract signature. The first call with a new signature traces the
 * function, compiles the graph on the backend and caches the executable; later calls with that
 * signature only run it. Concurrent first calls with one signature compile once. A call made
 * inside another transform (its arguments are tracers) is inlined into that trace instead.
 */
public final class JittedFunction implements FnN {
    private static final Logger LOG = Logger.getLogger("dev.kiln.jit");

    private final FnN f;
    private final JitOptions options;
    private final String label;
    private final ConcurrentHashMap<Signature, CompletableFuture<Compiled>> cache = new ConcurrentHashMap<>();
    private final AtomicInteger traces = new AtomicInteger();
    private volatile Signature lastSignature;

    private record Compiled(TracedFunction traced, Executable executable) {
    }

    JittedFunction(FnN f, JitOptions options, SourceLocation where) {
        this.f = f;
        this.options = options;
        this.label = "jit(" + (options.name() != null ? options.name() : where.shortText()) + ")";
    }

    public String label() {
        return label;
    }

    /** How many signatures have been compiled. */
    public int cacheSize() {
        return cache.size();
    }

    /** How many times the function has been traced for compilation (= compiled signatures). */
    public int traceCount() {
        return traces.get();
    }

    @Override
    public Object apply(List<Object> args) {
        PyTree.Flat flat = PyTree.flatten(args, "arguments of " + label);
        List<Tensor> leaves = tensorsOf(flat);
        if (Trace.current() != null || leaves.stream().anyMatch(t -> !t.isConcrete())) {
            return inline(args, leaves);
        }
        Backend backend = options.backend() != null ? Backends.byName(options.backend()) : Backends.defaultBackend();
        List<TensorType> types = leaves.stream().map(Tensor::type).toList();
        Signature sig = new Signature(flat.def(), types, backend.name());
        Compiled c = compiled(sig, backend, args);
        List<ArrayData> in = new ArrayList<>(leaves.size());
        for (Tensor t : leaves) {
            in.add(t.data());
        }
        List<ArrayData> outs = c.executable().run(in);
        List<Tensor> outTensors = new ArrayList<>(outs.size());
        for (ArrayData d : outs) {
            outTensors.add(Tensor.of(d));
        }
        return c.traced().outTree().unflatten(outTensors);
    }

    private Object inline(List<Object> args, List<Tensor> leaves) {
        TracedFunction tf = Tracing.trace(f, args, label);
        List<Tensor> in = new ArrayList<>(leaves);
        in.addAll(tf.captured());
        return tf.outTree().unflatten(Tracing.apply(tf.graph(), in));
    }

    private Compiled compiled(Signature sig, Backend backend, List<Object> args) {
        CompletableFuture<Compiled> mine = new CompletableFuture<>();
        CompletableFuture<Compiled> existing = cache.putIfAbsent(sig, mine);
        if (existing != null) {
            try {
                return existing.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : e;
            }
        }
        try {
            Compiled c = compile(sig, backend, args);
            mine.complete(c);
            return c;
        } catch (RuntimeException | Error e) {
            cache.remove(sig, mine);
            mine.completeExceptionally(e);
            throw e;
        }
    }

    private Compiled compile(Signature sig, Backend backend, List<Object> args) {
        int n = traces.incrementAndGet();
        Signature before = lastSignature;
        if (before != null) {
            LOG.log(Level.INFO, () -> "kiln: " + label + ": re-tracing for a new signature (#" + n + "): "
                    + sig.explainChangeFrom(before));
        } else {
            LOG.log(Level.FINE, () -> "kiln: " + label + ": tracing for " + sig.leafTypes());
        }
        lastSignature = sig;
        TracedFunction tf = Tracing.trace(f, args, label);
        if (!tf.captured().isEmpty()) {
            throw new KilnException(label, "the function closes over traced values of an enclosing transform");
        }
        Dump dump = Dump.forCompile(label);
        CompileOptions co = new CompileOptions(label, dump, options.fuse(), options.reuseBuffers());
        Executable exe = CompilePipeline.compile(tf.graph(), backend, co);
        return new Compiled(tf, exe);
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
