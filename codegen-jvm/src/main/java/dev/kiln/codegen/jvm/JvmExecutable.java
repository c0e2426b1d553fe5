package dev.kiln.codegen.jvm;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.buffers.CompiledPlan;
import dev.kiln.ir.buffers.OutputBinding;
import dev.kiln.ir.buffers.Placement;
import dev.kiln.runtime.Executable;
import dev.kiln.ir.DType;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A graph compiled to JVM kernels: runs the kernel schedule on a workspace from its pool and
 * returns fresh output arrays. Generated kernels and prepared library calls are stateless, and
 * each run has its own workspace and outputs, so one executable serves many threads at once.
 */
public final class JvmExecutable implements Executable {
    private final String label;
    private final CompiledPlan plan;
    private final List<Step> steps;
    private final List<TensorType> inputTypes;
    private final List<ArrayData> constants;
    private final Workspace.Pool pool;

    JvmExecutable(String label, CompiledPlan plan, List<Step> steps) {
        this.label = label;
        this.plan = plan;
        this.steps = List.copyOf(steps);
        this.inputTypes = plan.optimized().inputTypes();
        this.constants = plan.optimized().constants().stream().map(c -> c.value()).toList();
        Map<DType, Integer> scratch = new EnumMap<>(DType.class);
        for (Step s : steps) {
            if (s instanceof LibraryStep l && l.call().scratchSize() > 0 && !l.call().keepsScratchZero()) {
                scratch.merge(l.call().scratchType(), l.call().scratchSize(), Math::max);
            }
        }
        this.pool = new Workspace.Pool(plan.buffers().arenaSizes(), scratch);
    }

    /** The plan this executable runs: optimised graph, fusion, kernels, buffers. */
    public CompiledPlan plan() {
        return plan;
    }

    /** The kernels run, in order (aliases need none). */
    public List<String> kernelNames() {
        return steps.stream().map(Step::name).toList();
    }

    @Override
    public String backendName() {
        return "jvm";
    }

    @Override
    public List<ArrayData> run(List<ArrayData> inputs) {
        checkInputs(inputs);
        List<OutputBinding> bindings = plan.buffers().outputs();
        Object[] outputs = new Object[bindings.size()];
        for (int i = 0; i < outputs.length; i++) {
            OutputBinding o = bindings.get(i);
            if (o.kind() == OutputBinding.Kind.OWNED) {
                outputs[i] = ArrayData.zeros(o.type()).storage();
            }
        }
        Workspace ws = pool.acquire();
        try {
            RunFrame frame = new RunFrame(inputs, constants, outputs, ws);
            for (Step s : steps) {
                s.run(frame);
            }
            return collect(frame, bindings);
        } finally {
            pool.release(ws);
        }
    }

    /**
     * Runs {@code runs} times and returns the median time of each kernel in milliseconds, in
     * schedule order (for finding the kernel that dominates a step; warm up first).
     */
    public java.util.LinkedHashMap<String, Double> profile(List<ArrayData> inputs, int runs) {
        checkInputs(inputs);
        List<OutputBinding> bindings = plan.buffers().outputs();
        double[][] times = new double[steps.size()][runs];
        Workspace ws = pool.acquire();
        try {
            for (int r = 0; r < runs; r++) {
                Object[] outputs = new Object[bindings.size()];
                for (int i = 0; i < outputs.length; i++) {
                    if (bindings.get(i).kind() == OutputBinding.Kind.OWNED) {
                        outputs[i] = ArrayData.zeros(bindings.get(i).type()).storage();
                    }
                }
                RunFrame frame = new RunFrame(inputs, constants, outputs, ws);
                for (int k = 0; k < steps.size(); k++) {
                    long t = System.nanoTime();
                    steps.get(k).run(frame);
                    times[k][r] = (System.nanoTime() - t) / 1e6;
                }
            }
        } finally {
            pool.release(ws);
        }
        java.util.LinkedHashMap<String, Double> out = new java.util.LinkedHashMap<>();
        for (int k = 0; k < steps.size(); k++) {
            java.util.Arrays.sort(times[k]);
            out.put(steps.get(k).name(), times[k][runs / 2]);
        }
        return out;
    }

    private List<ArrayData> collect(RunFrame frame, List<OutputBinding> bindings) {
        List<ArrayData> out = new ArrayList<>(bindings.size());
        for (int i = 0; i < bindings.size(); i++) {
            OutputBinding o = bindings.get(i);
            out.add(switch (o.kind()) {
                case OWNED -> ArrayData.wrap(o.type(), frame.outputs[i]);
                case FILL -> ArrayData.full(o.type(), o.literal().value());
                case COPY -> {
                    ArrayData d = ArrayData.zeros(o.type());
                    Placement p = o.from();
                    int offset = p.where() == Placement.Where.ARENA ? p.offset() : 0;
                    System.arraycopy(frame.array(p), offset, d.storage(), 0, d.size());
                    yield d;
                }
            });
        }
        return out;
    }

    private void checkInputs(List<ArrayData> inputs) {
        if (inputs.size() != inputTypes.size()) {
            throw new KilnException(label, "expected " + inputTypes.size() + " inputs " + inputTypes + ", got " + inputs.size());
        }
        for (int i = 0; i < inputs.size(); i++) {
            TensorType t = inputs.get(i).type();
            if (!t.equals(inputTypes.get(i))) {
                throw new KilnException(label, "input " + i + " is " + t + " but the compiled graph expects " + inputTypes.get(i),
                        null, "executables are compiled for fixed shapes and dtypes; compile again for new ones");
            }
        }
    }

    /** The generated classes the loop kernels and epilogues run (kernels equal up to their buffers share one). */
    public java.util.Set<Class<?>> loopClasses() {
        java.util.Set<Class<?>> classes = new java.util.HashSet<>();
        for (Step s : steps) {
            LoopStep l = s instanceof LoopStep ls ? ls : s instanceof LibraryStep lib ? lib.epilogue() : null;
            if (l != null) {
                classes.add(l.loop().getClass());
            }
        }
        return classes;
    }

    public int loopClassCount() {
        return loopClasses().size();
    }

    /** How long each stage of this executable's compile took. */
    public dev.kiln.ir.buffers.CompileTimes compileTimes() {
        return plan.times();
    }

    /** Bytes of arena one run uses. */
    public long arenaBytes() {
        long n = 0;
        for (var e : plan.buffers().arenaSizes().entrySet()) {
            n += (long) e.getValue() * e.getKey().byteSize();
        }
        return n;
    }
}
