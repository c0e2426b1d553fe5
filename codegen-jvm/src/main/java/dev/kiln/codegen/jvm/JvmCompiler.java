package dev.kiln.codegen.jvm;

import dev.kiln.codegen.jvm.gen.HiddenClasses;
import dev.kiln.codegen.jvm.gen.LoopClasses;
import dev.kiln.codegen.jvm.library.LibraryCalls;
import dev.kiln.ir.Graph;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.buffers.BufferAssignment;
import dev.kiln.ir.buffers.BufferPlan;
import dev.kiln.ir.buffers.CompileTimes;
import dev.kiln.ir.buffers.CompiledPlan;
import dev.kiln.ir.buffers.Placement;
import dev.kiln.ir.fusion.Fuser;
import dev.kiln.ir.kernel.AliasKernel;
import dev.kiln.ir.kernel.BufferRef;
import dev.kiln.ir.kernel.CanonicalKernel;
import dev.kiln.ir.kernel.Kernel;
import dev.kiln.ir.kernel.LibraryKernel;
import dev.kiln.ir.kernel.LoopKernel;
import dev.kiln.ir.kernel.RebasedKernel;
import dev.kiln.ir.kernel.Stmt;
import dev.kiln.runtime.CompileOptions;
import dev.kiln.runtime.Dump;
import dev.kiln.runtime.GraphText;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * The JVM backend's compiler: optimise, fuse, lower to kernel IR, place buffers (all shared with
 * the other backends through {@link CompiledPlan}), then generate a hidden class per distinct loop
 * kernel (shared through {@link LoopClasses}) and prepare one call per library kernel. Each stage can be dumped, and {@link #explain} prints
 * any of them on demand.
 */
public final class JvmCompiler {
    /** The stages {@link #explain} can print. */
    public enum Stage {
        OPTIMIZED, FUSED, BUFFERS, KERNELS, BYTECODE, DOT;

        public static Stage parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new KilnException("explain", "unknown stage '" + s + "'", null,
                        "stages: optimized, fused, buffers, kernels, bytecode, dot");
            }
        }
    }

    private JvmCompiler() {
    }

    /** Compiles {@code graph}, writing each stage to {@code options.dump()}. */
    public static JvmExecutable compile(Graph graph, CompileOptions options) {
        int classesBefore = LoopClasses.size();
        CompiledPlan plan = plan(graph, options.fuse(), options.reuseBuffers());
        Dump dump = options.dump();
        dump.writePlan(plan, options.label());
        List<Step> steps = plan.times().time("codegen", () -> {
            List<Step> out = new ArrayList<>();
            Prepared.Cache prepared = new Prepared.Cache(plan.program());
            ScatterSteps scatters = ScatterSteps.of(plan, l -> loopStep(l, plan.buffers(), dump, prepared));
            List<Kernel> kernels = plan.program().kernels();
            for (int i = 0; i < kernels.size(); i++) {
                Step s = scatters.replaces(i) ? scatters.step(i) : step(kernels.get(i), plan.buffers(), dump, prepared);
                if (s != null) {
                    out.add(s);
                }
            }
            return out;
        });
        JvmExecutable exe = new JvmExecutable(options.label(), plan, steps);
        if (CompileTimes.enabled()) {
            System.err.printf("kiln: %s: %d equations, %d kernels, %d loop classes (%d new); %s%n", options.label(),
                    plan.optimized().equations().size(), steps.size(), exe.loopClassCount(),
                    LoopClasses.size() - classesBefore, plan.times().text());
        }
        return exe;
    }

    /** The text of one stage for {@code graph} (what the dump would hold), e.g. for a command-line tool. */
    public static String explain(Graph graph, Stage stage, boolean fuse, boolean reuseBuffers) {
        CompiledPlan plan = plan(graph, fuse, reuseBuffers);
        return switch (stage) {
            case OPTIMIZED -> GraphText.human(plan.optimized(), "optimized");
            case FUSED -> plan.fusion().text();
            case BUFFERS -> plan.buffers().text();
            case KERNELS -> plan.program().text();
            case DOT -> plan.fusion().dot();
            case BYTECODE -> {
                StringBuilder sb = new StringBuilder();
                for (Kernel k : plan.program().kernels()) {
                    for (LoopKernel l : loops(k)) {
                        sb.append("// ").append(l.name()).append('\n')
                                .append(HiddenClasses.text(classBytes(l))).append('\n');
                    }
                }
                yield sb.toString();
            }
        };
    }

    public static String explain(Graph graph, String stage) {
        return explain(graph, Stage.parse(stage), true, true);
    }

    /**
     * The shared front half, with what this backend's library kernels allow: long concatenations
     * as block copies, scatter_add updating its operand in place.
     */
    public static CompiledPlan plan(Graph graph, boolean fuse, boolean reuseBuffers) {
        return CompiledPlan.of(graph, new Fuser.Options(fuse, true), new BufferAssignment.Options(reuseBuffers, true));
    }

    private static List<LoopKernel> loops(Kernel k) {
        return switch (k) {
            case LoopKernel l -> List.of(l);
            case LibraryKernel lib -> lib.epilogue() == null ? List.of() : List.of(lib.epilogue());
            case AliasKernel a -> List.of();
        };
    }

    private static Step step(Kernel k, BufferPlan buffers, Dump dump, Prepared.Cache prepared) {
        return switch (k) {
            case AliasKernel a -> null;
            case LoopKernel l -> loopStep(l, buffers, dump, prepared);
            case LibraryKernel lib -> {
                Placement[] params = new Placement[lib.operands().size() + 1];
                for (int i = 0; i < lib.operands().size(); i++) {
                    params[i] = buffers.placement(lib.operands().get(i));
                }
                params[params.length - 1] = buffers.placement(lib.result());
                LoopStep epilogue = lib.epilogue() == null ? null : loopStep(lib.epilogue(), buffers, dump, prepared);
                yield new LibraryStep(lib.name(), LibraryCalls.prepare(lib.equation()), params, epilogue);
            }
        };
    }

    /**
     * The kernel's class comes from {@link LoopClasses}: kernels equal up to their buffers (and
     * the constant parts of their addresses, moved into the offsets) share one. A kernel that
     * lowering copied from an earlier one (its {@link dev.kiln.ir.kernel.KernelProgram#template})
     * takes what was derived from that one's body, with its own buffers.
     */
    private static LoopStep loopStep(LoopKernel l, BufferPlan buffers, Dump dump, Prepared.Cache cache) {
        List<BufferRef> params = params(l);
        Prepared p = cache.of(l, params, () -> prepare(l, params));
        dump.write("06-bytecode/" + l.name() + ".txt", () -> HiddenClasses.text(p.cls().bytes()));
        Placement[] placements = new Placement[params.size()];
        for (int i = 0; i < placements.length; i++) {
            placements[i] = buffers.placement(params.get(i));
        }
        return new LoopStep(l.name(), p.cls().loop(), placements, p.bases().clone(), p.extent(), p.grain());
    }

    private static Prepared prepare(LoopKernel l, List<BufferRef> params) {
        RebasedKernel rebased = RebasedKernel.of(l);
        LoopClasses.Entry cls = LoopClasses.of(CanonicalKernel.of(rebased.kernel(), params), Vectorization.enabled());
        Stmt.Loop parallel = parallelLoop(l);
        int extent = parallel == null ? -1 : parallel.var().extent();
        int grain = parallel == null ? 1 : ParallelLoops.grainFor(work(parallel.body()));
        return new Prepared(cls, rebased.bases(params), extent, grain);
    }

    private static byte[] classBytes(LoopKernel l) {
        return LoopClasses.bytes(CanonicalKernel.of(RebasedKernel.of(l).kernel(), params(l)), Vectorization.enabled());
    }

    static List<BufferRef> params(LoopKernel l) {
        LinkedHashSet<BufferRef> all = new LinkedHashSet<>(l.reads());
        all.addAll(l.writes());
        return List.copyOf(all);
    }

    private static Stmt.Loop parallelLoop(LoopKernel l) {
        for (Stmt s : l.body()) {
            if (s instanceof Stmt.Loop loop && loop.parallel()) {
                return loop;
            }
        }
        return null;
    }

    /** Statements executed per iteration of a loop body, counting nested loops' iterations. */
    static long work(List<Stmt> body) {
        long n = 0;
        for (Stmt s : body) {
            n += switch (s) {
                case Stmt.Loop l -> (long) l.var().extent() * Math.max(1, work(l.body()));
                case Stmt.If i -> 1 + Math.max(work(i.then()), work(i.otherwise()));
                default -> 1;
            };
        }
        return Math.max(1, n);
    }
}
