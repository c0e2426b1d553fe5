package dev.kiln.samples.cli;

import dev.kiln.codegen.opencl.OpenClCompiler;
import dev.kiln.codegen.opencl.OpenClProgram;
import dev.kiln.codegen.ptx.PtxAssembler;
import dev.kiln.codegen.ptx.PtxCompiler;
import dev.kiln.codegen.ptx.PtxModule;
import dev.kiln.ir.Graph;
import dev.kiln.ir.KilnException;
import dev.kiln.runtime.CompileOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the kernel sources a GPU backend generates for a graph, without a device: the PTX module
 * or the OpenCL program, with the kernel plan, buffer plan and kernel IR beside them. PTX is also
 * assembled for sm_80 by the NVPTX compiler in JCuda's natives (when they load on this platform).
 */
final class KernelSources {
    private KernelSources() {
    }

    /** Writes {@code graph}'s sources for {@code target} ({@code ptx} or {@code opencl}) into {@code out}, naming files {@code base.*}. */
    static void write(Graph graph, String target, Path out, String base, PrintStream log) {
        CompileOptions options = CompileOptions.defaults(base);
        try {
            Files.createDirectories(out);
            switch (target) {
                case "ptx" -> {
                    PtxModule m = PtxCompiler.emit(graph, options);
                    Path file = out.resolve(base + ".ptx");
                    Files.writeString(file, m.text());
                    writePlans(out, base, m.fusion().text(), m.buffers().text(), m.kernels().text());
                    Files.writeString(out.resolve(base + ".launches.txt"), lines(m.launches()));
                    log.printf("wrote %s: %d kernel launches, arenas %s%n", file, m.launches().size(), m.buffers().arenaSizes());
                    log.println(assemble(m));
                }
                case "opencl" -> {
                    OpenClProgram p = OpenClCompiler.emit(graph, options);
                    Path file = out.resolve(base + ".cl");
                    Files.writeString(file, p.source());
                    writePlans(out, base, p.fusion().text(), p.buffers().text(), p.kernels().text());
                    Files.writeString(out.resolve(base + ".launches.txt"), lines(p.launches()));
                    log.printf("wrote %s: %d kernel launches, arenas %s%n", file, p.launches().size(), p.buffers().arenaSizes());
                }
                default -> throw new KilnException("ir", "unknown --emit target '" + target + "'", null, "choose ptx or opencl");
            }
        } catch (IOException e) {
            throw new KilnException("ir", "cannot write to " + out + ": " + e.getMessage());
        }
    }

    private static void writePlans(Path out, String base, String fusion, String buffers, String kernels) throws IOException {
        Files.writeString(out.resolve(base + ".fusion.txt"), fusion);
        Files.writeString(out.resolve(base + ".buffers.txt"), buffers);
        Files.writeString(out.resolve(base + ".kernels.txt"), kernels);
    }

    private static String lines(java.util.List<?> items) {
        StringBuilder sb = new StringBuilder();
        items.forEach(i -> sb.append(i).append('\n'));
        return sb.toString();
    }

    private static String assemble(PtxModule m) {
        try {
            byte[] cubin = PtxAssembler.assemble(m.text(), "sm_80");
            return "assembled for sm_80 by the NVPTX compiler: " + cubin.length + " bytes of cubin";
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            return "not assembled: JCuda's NVPTX compiler does not load here (" + e.getClass().getSimpleName() + ")";
        }
    }
}
