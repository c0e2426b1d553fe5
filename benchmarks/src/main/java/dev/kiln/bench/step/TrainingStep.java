package dev.kiln.bench.step;

import dev.kiln.ir.Graph;
import dev.kiln.ir.TensorType;
import dev.kiln.runtime.JitOptions;
import dev.kiln.runtime.JittedFunction;
import dev.kiln.runtime.Kiln;
import dev.kiln.samples.models.Models;
import dev.kiln.samples.models.PaperModel;
import dev.kiln.tracer.Fn3;
import dev.kiln.tracer.Random;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.Tracing;
import dev.kiln.tracer.tree.PyTree;
import java.util.List;

/**
 * A training step ready to time: the step function of a {@link StepSpec} (jitted or eager), the
 * model's state, and a pool of batches it cycles through. Each {@link #step()} is one real update
 * whose result feeds the next, so nothing can be skipped as dead.
 *
 * @param <P> the model's parameter record
 */
public final class TrainingStep<P extends Record> {
    private static final int POOL = 2;

    private final StepSpec spec;
    private final PaperModel<P> model;
    private final Fn3<TrainState<P>, Tensor, Tensor, TrainState<P>> plain;
    private final Fn3<TrainState<P>, Tensor, Tensor, TrainState<P>> fn;
    private final JittedFunction jitted;
    private final Tensor[][] pool;
    private TrainState<P> state;
    private int next;

    private TrainingStep(StepSpec spec, PaperModel<P> model, Hyper h, long seed) {
        this.spec = spec;
        this.model = model;
        this.plain = switch (spec.variant()) {
            case SGD -> StepFunctions.sgd(model, h);
            case DP_VMAP -> StepFunctions.dpVmap(model, h);
            case DP_LOOP -> StepFunctions.dpLoop(model, h);
        };
        this.jitted = spec.jit() ? Kiln.jitN(plain.erase(), options(spec)) : null;
        this.fn = jitted == null ? plain : (st, x, y) -> cast(jitted.apply(List.of(st, x, y)));
        this.pool = BenchData.batches(model, spec.batch(), POOL, seed);
        this.state = new TrainState<>(model.init(Random.key(seed)), Random.key(seed + 1));
    }

    /** The step of {@code spec} with the paper's hyperparameters. */
    public static TrainingStep<?> prepare(StepSpec spec) {
        return prepare(spec, Hyper.paper(), 0);
    }

    public static TrainingStep<?> prepare(StepSpec spec, Hyper h, long seed) {
        return typed(Models.byName(spec.model()), spec, h, seed);
    }

    private static <P extends Record> TrainingStep<P> typed(PaperModel<P> m, StepSpec spec, Hyper h, long seed) {
        return new TrainingStep<>(spec, m, h, seed);
    }

    static JitOptions options(StepSpec spec) {
        return JitOptions.defaults().named(spec.model() + "_" + spec.variant().label() + "_step")
                .onBackend(spec.backend()).withFusion(spec.fuse()).withBufferReuse(spec.reuse());
    }

    public StepSpec spec() {
        return spec;
    }

    @SuppressWarnings("unchecked")
    private static <P extends Record> TrainState<P> cast(Object o) {
        return (TrainState<P>) o;
    }

    /** Milliseconds of the latest trace + compile of the jitted step (NaN when eager or not yet called). */
    public double compileMillis() {
        return jitted == null ? Double.NaN : jitted.lastCompileMillis();
    }

    /** One training step on the next batch of the pool. */
    public void step() {
        Tensor[] b = pool[next];
        next = (next + 1) % pool.length;
        state = fn.apply(state, b[0], b[1]);
    }

    /** How many scalars the model trains. */
    public long parameterCount() {
        long n = 0;
        for (Tensor t : PyTree.leaves(state.params())) {
            n += t.numel();
        }
        return n;
    }

    /** The current parameters' leaves (for checks that training moved them). */
    public List<Tensor> parameters() {
        return PyTree.leaves(state.params());
    }

    /**
     * The traced graph of this step at batch size {@code batch}, from abstract input types (no
     * data of that size is made): what the backend would compile for that batch.
     */
    public Graph graphAt(int batch) {
        TensorType x = new TensorType(model.inputType(), dev.kiln.ir.Shape.of(model.batchShape(batch)));
        TensorType y = TensorType.of(dev.kiln.ir.DType.I32, batch);
        return Tracing.makeGraph(plain.erase(), List.of(state, x, y));
    }

    /**
     * Per-kernel milliseconds of this step (mean over {@code runs} runs, after {@code warmup} runs)
     * on the JVM backend, on the current state and the first batch of the pool; kernels in
     * schedule order. With no warm-up in a fresh JVM it shows where a first run's time goes.
     */
    public java.util.LinkedHashMap<String, Double> jvmProfile(int warmup, int runs) {
        Tensor[] b = pool[0];
        List<Object> args = List.of(state, b[0], b[1]);
        Graph g = Tracing.makeGraph(plain.erase(), args);
        var exe = dev.kiln.codegen.jvm.JvmCompiler.compile(g, dev.kiln.runtime.CompileOptions.defaults(spec.model() + "_profile")
                .withFusion(spec.fuse()).withBufferReuse(spec.reuse()));
        List<dev.kiln.ir.ArrayData> in = PyTree.leaves(args).stream().map(Tensor::data).toList();
        for (int i = 0; i < warmup; i++) {
            exe.run(in);
        }
        return exe.profile(in, runs);
    }
}
