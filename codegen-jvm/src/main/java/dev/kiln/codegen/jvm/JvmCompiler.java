package dev.kiln.codegen.jvm;

import dev.kiln.codegen.jvm.gen.HiddenClasses;
import dev.kiln.codegen.jvm.gen.LoopClassGenerator;
import dev.kiln.codegen.jvm.library.LibraryCalls;
import dev.kiln.ir.Graph;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.buffers.BufferAssignment;
import dev.kiln.ir.buffers.BufferPlan;
import dev.kiln.ir.buffers.CompiledPlan;
import dev.kiln.ir.buffers.Placement;
import dev.kiln.ir.fusion.Fuser;
import dev.kiln.ir.kernel.AliasKernel;
import dev.kiln.ir.kernel.BufferRef;
import dev.kiln.ir.kernel.Kernel;
import dev.kiln.ir.kernel.LibraryKernel;
import dev.kiln.ir.kernel.LoopKernel;
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
 * the other backends through {@link CompiledPlan}), then generate one hidden class per loop kernel
 * and prepare one call per library kernel. Each stage can be dumped, and {@link #explain} prints
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
        CompiledPlan plan = plan(graph, options.fuse(), options.reuseBuffers());
        Dump dump = options.dump();
        dump.write("02-optimized.kir", () -> GraphText.print(plan.optimized(), "optimized " + options.label()));
        dump.write("03-fusion.txt", () -> "# stage: fusion " + options.label() + "\n" + plan.fusion().text());
        dump.write("04-buffers.txt", () -> "# stage: buffers " + options.label() + "\n" + plan.buffers().text());
        dump.write("05-kernels.txt", () -> "# stage: kernels " + options.label() + "\n" + plan.program().text());
        dump.write("fused.dot", () -> plan.fusion().dot());
        List<Step> steps = new ArrayList<>();
        List<Kernel> kernels = plan.program().kernels();
        for (int i = 0; i < kernels.size(); i++) {
            Step s = step(kernels.get(i), i, plan.buffers(), dump);
            if (s != null) {
                steps.add(s);
            }
        }
        return new JvmExecutable(options.label(), plan, steps);
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
                List<Kernel> ks = plan.program().kernels();
                for (int i = 0; i < ks.size(); i++) {
                    for (LoopKernel l : loops(ks.get(i))) {
                        sb.append("// ").append(l.name()).append('\n')
                                .append(HiddenClasses.text(classBytes(l, i))).append('\n');
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

    private static Step step(Kernel k, int index, BufferPlan buffers, Dump dump) {
        return switch (k) {
            case AliasKernel a -> null;
            case LoopKernel l -> loopStep(l, index, buffers, dump);
            case LibraryKernel lib -> {
                Placement[] params = new Placement[lib.operands().size() + 1];
                for (int i = 0; i < lib.operands().size(); i++) {
                    params[i] = buffers.placement(lib.operands().get(i));
                }
                params[params.length - 1] = buffers.placement(lib.result());
                LoopStep epilogue = lib.epilogue() == null ? null : loopStep(lib.epilogue(), index, buffers, dump);
                yield new LibraryStep(lib.name(), LibraryCalls.prepare(lib.equation()), params, epilogue);
            }
        };
    }

    private static LoopStep loopStep(LoopKernel l, int index, BufferPlan buffers, Dump dump) {
        List<BufferRef> params = params(l);
        byte[] bytes = classBytes(l, index);
        dump.write("06-bytecode/" + l.name() + ".txt", () -> HiddenClasses.text(bytes));
        Placement[] placements = params.stream().map(buffers::placement).toArray(Placement[]::new);
        Stmt.Loop parallel = parallelLoop(l);
        int extent = parallel == null ? -1 : parallel.var().extent();
        int grain = parallel == null ? 1 : ParallelLoops.grainFor(work(parallel.body()));
        return new LoopStep(l.name(), HiddenClasses.define(bytes), placements, extent, grain);
    }

    private static byte[] classBytes(LoopKernel l, int index) {
        String name = "K" + index + "_" + l.name().replaceAll("[^A-Za-z0-9_]", "_");
        return LoopClassGenerator.generate(l, name, params(l), Vectorization.enabled());
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
