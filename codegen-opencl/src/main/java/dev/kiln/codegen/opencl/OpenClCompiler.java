package dev.kiln.codegen.opencl;

import dev.kiln.ir.DType;
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
 * Compiles a graph to an {@link OpenClProgram}: the shared pipeline (optimise, fuse, lower to
 * kernel IR, assign buffers), then one OpenCL C kernel per loop kernel and per library routine
 * (plus its epilogue). Needs no OpenCL device: {@code kiln ir --emit opencl} uses it as is.
 */
public final class OpenClCompiler {
    private OpenClCompiler() {
    }

    /** The OpenCL program of {@code graph} with default options (fusion and buffer reuse on). */
    public static OpenClProgram emit(Graph graph) {
        return emit(graph, CompileOptions.defaults("opencl"));
    }

    /** The OpenCL program of {@code graph}, writing each stage to the options' dump folder. */
    public static OpenClProgram emit(Graph graph, CompileOptions options) {
        return emit(graph, options, "");
    }

    /** As {@link #emit(Graph, CompileOptions)}, with {@code prefix} before every kernel function name. */
    static OpenClProgram emit(Graph graph, CompileOptions options, String prefix) {
        CompiledPlan plan = CompiledPlan.of(graph, options.fuse(), options.reuseBuffers());
        Dump dump = options.dump();
        dump.writePlan(plan, options.label());
        Graph optimized = plan.optimized();
        FusionPlan fusion = plan.fusion();
        KernelProgram kernels = plan.program();
        BufferPlan buffers = plan.buffers();
        OpenClProgram program = render(optimized, fusion, kernels, buffers, new ClScope(new DeviceMemory(buffers), prefix));
        dump.write("06-opencl.cl", program::source);
        return program;
    }

    private static OpenClProgram render(Graph optimized, FusionPlan fusion, KernelProgram kernels, BufferPlan buffers, ClScope scope) {
        boolean fp64 = usesF64(optimized);
        StringBuilder source = new StringBuilder();
        List<ClLaunch> launches = new ArrayList<>();
        Map<Integer, IndexCheck> checks = new LinkedHashMap<>();
        for (Kernel k : kernels.kernels()) {
            List<ClKernel> rendered = switch (k) {
                case AliasKernel a -> List.of();
                case LoopKernel l -> writesNothing(l.writes()) ? List.of() : List.of(ClLoopKernel.render(l, scope));
                case LibraryKernel lib -> library(lib, scope, checks);
            };
            for (ClKernel c : rendered) {
                source.append('\n').append(c.source());
                launches.add(c.launch());
            }
        }
        String body = source.toString();
        return new OpenClProgram(optimized, fusion, kernels, buffers, ClPrelude.text(fp64) + body, body, launches, fp64, checks);
    }

    private static List<ClKernel> library(LibraryKernel lib, ClScope mem, Map<Integer, IndexCheck> checks) {
        if (lib.result().size() == 0) {
            return List.of();
        }
        int check = checks.size() + 1;
        ClKernel main = switch (lib.equation().primitive()) {
            case DotGeneral p -> ClGemm.dot(lib, p, mem);
            case ConvGeneralDilated c -> ClGemm.conv(lib, c, mem);
            case ReduceWindow w -> ClWindows.reduceWindow(lib, w, mem);
            case SelectAndScatterAdd s -> ClWindows.selectAndScatterAdd(lib, s, mem);
            case Gather g -> {
                checks.put(check, IndexCheck.of(lib, "gather", g.batchDims()));
                yield ClIndexing.gather(lib, g.batchDims(), check, mem);
            }
            case ScatterAdd s -> {
                checks.put(check, IndexCheck.of(lib, "scatter_add", s.batchDims()));
                yield ClIndexing.scatterAdd(lib, s.batchDims(), check, mem);
            }
            case RandomBits r -> ClRandom.bits(lib, mem);
            case RandomSplit r -> ClRandom.split(lib, r, mem);
            default -> throw new IllegalStateException("not a library primitive: " + lib.equation().primitive().name());
        };
        List<ClKernel> out = new ArrayList<>(List.of(main));
        if (lib.epilogue() != null && !writesNothing(lib.epilogue().writes())) {
            out.add(ClLoopKernel.render(lib.epilogue(), mem));
        }
        return out;
    }


    private static boolean writesNothing(List<BufferRef> writes) {
        return writes.stream().allMatch(b -> b.size() == 0);
    }

    /** Whether any value of the graph is f64 (also values that live only in registers). */
    static boolean usesF64(Graph g) {
        return g.inputs().stream().anyMatch(v -> v.dtype() == DType.F64)
                || g.constants().stream().anyMatch(c -> c.var().dtype() == DType.F64)
                || g.equations().stream().anyMatch(eq -> eq.out().dtype() == DType.F64);
    }
}
