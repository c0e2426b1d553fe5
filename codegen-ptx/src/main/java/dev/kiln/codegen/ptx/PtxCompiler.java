package dev.kiln.codegen.ptx;

import dev.kiln.ir.Graph;
import dev.kiln.ir.buffers.BufferPlan;
import dev.kiln.ir.buffers.CompiledPlan;
import dev.kiln.ir.device.DeviceMemory;
import dev.kiln.ir.device.IndexCheck;
import dev.kiln.ir.fusion.FusionPlan;
import dev.kiln.ir.kernel.AliasKernel;
import dev.kiln.ir.kernel.BufferRef;
import dev.kiln.ir.kernel.Kernel;
import dev.kiln.ir.kernel.KernelProgram;
import dev.kiln.ir.kernel.LibraryKernel;
import dev.kiln.ir.kernel.LoopKernel;
import dev.kiln.ir.prim.ConvGeneralDilated;
import dev.kiln.ir.prim.DotGeneral;
import dev.kiln.ir.prim.Gather;
import dev.kiln.ir.prim.RandomBits;
import dev.kiln.ir.prim.RandomSplit;
import dev.kiln.ir.prim.ReduceWindow;
import dev.kiln.ir.prim.ScatterAdd;
import dev.kiln.ir.prim.SelectAndScatterAdd;
import dev.kiln.runtime.CompileOptions;
import dev.kiln.runtime.Dump;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles a graph to a {@link PtxModule}: the shared pipeline (optimise, fuse, lower to kernel
 * IR, assign buffers), then one PTX entry per loop kernel and per library routine (plus its
 * epilogue). Needs no GPU: {@code kiln ir --emit ptx} and the assembler tests use it as is.
 */
public final class PtxCompiler {
    private PtxCompiler() {
    }

    public static PtxModule emit(Graph graph) {
        return emit(graph, CompileOptions.defaults("ptx"));
    }

    public static PtxModule emit(Graph graph, CompileOptions options) {
        return emit(graph, options, "");
    }

    /** As {@link #emit(Graph, CompileOptions)}, with {@code prefix} before every entry name (so modules can be merged). */
    static PtxModule emit(Graph graph, CompileOptions options, String prefix) {
        CompiledPlan plan = CompiledPlan.of(graph, options.fuse(), options.reuseBuffers());
        Dump dump = options.dump();
        dump.writePlan(plan, options.label());
        Graph optimized = plan.optimized();
        FusionPlan fusion = plan.fusion();
        KernelProgram kernels = plan.program();
        BufferPlan buffers = plan.buffers();
        PtxModule module = render(optimized, fusion, kernels, buffers, options.label(), prefix);
        dump.write("06-module.ptx", module::text);
        return module;
    }

    private static PtxModule render(Graph optimized, FusionPlan fusion, KernelProgram kernels, BufferPlan buffers, String label,
                                    String prefix) {
        DeviceMemory mem = new DeviceMemory(buffers);
        List<PtxRendered> rendered = new ArrayList<>();
        Map<Integer, IndexCheck> checks = new LinkedHashMap<>();
        for (Kernel k : kernels.kernels()) {
            switch (k) {
                case AliasKernel a -> {
                }
                case LoopKernel l -> {
                    if (!writesNothing(l.writes())) {
                        rendered.add(PtxLoopKernel.render(l, entry(prefix + l.name()), mem));
                    }
                }
                case LibraryKernel lib -> rendered.addAll(library(lib, mem, checks, prefix));
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append("//\n// Kiln PTX module: ").append(label.replace('\n', ' ')).append("\n//\n\n");
        sb.append(".version ").append(PtxModule.VERSION).append('\n');
        sb.append(".target ").append(PtxModule.TARGET).append('\n');
        sb.append(".address_size 64\n\n");
        for (PtxRendered r : rendered) {
            for (String s : r.kernel().sharedDeclarations()) {
                sb.append(s).append('\n');
            }
        }
        for (PtxRendered r : rendered) {
            sb.append('\n').append(r.kernel().text());
        }
        return new PtxModule(optimized, fusion, kernels, buffers, sb.toString(), rendered.stream().map(PtxRendered::launch).toList(), checks);
    }

    private static List<PtxRendered> library(LibraryKernel lib, DeviceMemory mem, Map<Integer, IndexCheck> checks,
                                             String prefix) {
        if (lib.result().size() == 0) {
            return List.of();
        }
        String name = entry(prefix + lib.name());
        int check = checks.size() + 1;
        PtxRendered main = switch (lib.equation().primitive()) {
            case DotGeneral p -> PtxGemm.dot(lib, p, name, mem);
            case ConvGeneralDilated c -> PtxGemm.conv(lib, c, name, mem);
            case ReduceWindow w -> PtxWindows.reduceWindow(lib, w, name, mem);
            case SelectAndScatterAdd s -> PtxWindows.selectAndScatterAdd(lib, s, name, mem);
            case Gather g -> {
                checks.put(check, IndexCheck.of(lib, "gather", g.batchDims()));
                yield PtxIndexing.gather(lib, g.batchDims(), check, name, mem);
            }
            case ScatterAdd s -> {
                checks.put(check, IndexCheck.of(lib, "scatter_add", s.batchDims()));
                yield PtxIndexing.scatterAdd(lib, s.batchDims(), check, name, mem);
            }
            case RandomBits r -> PtxRandom.bits(lib, name, mem);
            case RandomSplit r -> PtxRandom.split(lib, r, name, mem);
            default -> throw new IllegalStateException("not a library primitive: " + lib.equation().primitive().name());
        };
        List<PtxRendered> out = new ArrayList<>(List.of(main));
        if (lib.epilogue() != null && !writesNothing(lib.epilogue().writes())) {
            out.add(PtxLoopKernel.render(lib.epilogue(), entry(prefix + lib.epilogue().name()), mem));
        }
        return out;
    }


    /** A PTX identifier for a kernel name. */
    static String entry(String name) {
        String s = name.replaceAll("[^A-Za-z0-9_]", "_");
        return Character.isDigit(s.charAt(0)) ? "k_" + s : s;
    }

    private static boolean writesNothing(List<BufferRef> writes) {
        return writes.stream().allMatch(b -> b.size() == 0);
    }
}
