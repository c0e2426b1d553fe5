package dev.kiln.codegen.ptx;

import static jcuda.nvptxcompiler.JNvPTXCompiler.*;

import dev.kiln.ir.KilnException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jcuda.nvptxcompiler.nvPTXCompileResult;
import jcuda.nvptxcompiler.nvPTXCompilerHandle;

/**
 * Assembles PTX to a cubin in the JVM with the NVPTX compiler that ships in JCuda's natives: no
 * GPU or driver needed. A rejection is a {@link KilnException} quoting the compiler's messages,
 * each with the PTX line it points at.
 */
public final class PtxAssembler {
    private PtxAssembler() {
    }

    /** The cubin of {@code ptx} for {@code gpuName} (e.g. {@code sm_80}, {@code sm_90}). */
    public static byte[] assemble(String ptx, String gpuName) {
        nvPTXCompilerHandle h = new nvPTXCompilerHandle();
        byte[] src = (ptx + "\0").getBytes(StandardCharsets.UTF_8);
        check(nvPTXCompilerCreate(h, src.length - 1, src), "create", null, ptx);
        try {
            int r = nvPTXCompilerCompile(h, 1, new String[]{"--gpu-name=" + gpuName});
            if (r != nvPTXCompileResult.NVPTXCOMPILE_SUCCESS) {
                check(r, "compile for " + gpuName, errorLog(h), ptx);
            }
            long[] size = new long[1];
            nvPTXCompilerGetCompiledProgramSize(h, size);
            byte[] cubin = new byte[(int) size[0]];
            nvPTXCompilerGetCompiledProgram(h, cubin);
            return cubin;
        } finally {
            nvPTXCompilerDestroy(h);
        }
    }

    private static String errorLog(nvPTXCompilerHandle h) {
        long[] size = new long[1];
        nvPTXCompilerGetErrorLogSize(h, size);
        byte[] log = new byte[(int) size[0]];
        nvPTXCompilerGetErrorLog(h, log);
        return new String(log, StandardCharsets.UTF_8).replace("\0", "").trim();
    }

    private static void check(int result, String step, String log, String ptx) {
        if (result == nvPTXCompileResult.NVPTXCOMPILE_SUCCESS) {
            return;
        }
        throw new KilnException("ptx", "the NVPTX compiler rejected the module (" + step + ": "
                + nvPTXCompileResult.stringFor(result) + ")" + (log == null ? "" : ":\n" + withLines(log, ptx)), null,
                "this is a Kiln code generator bug; set KILN_DUMP=dir to see the whole module");
    }

    /** {@code ptxas} on the PATH, or null. */
    public static java.nio.file.Path findPtxas() {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            java.nio.file.Path p = java.nio.file.Path.of(dir, "ptxas");
            if (java.nio.file.Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * Assembles {@code ptx} with the {@code ptxas} at {@code ptxas} for {@code arch}; a rejection is a
     * {@link KilnException} with ptxas's messages and the lines they point at.
     */
    public static void ptxas(java.nio.file.Path ptxas, String ptx, String arch) {
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("kiln-ptxas");
            java.nio.file.Path in = dir.resolve("module.ptx"), out = dir.resolve("module.cubin");
            try {
                java.nio.file.Files.writeString(in, ptx);
                Process p = new ProcessBuilder(ptxas.toString(), "-arch=" + arch, "-o", out.toString(), in.toString())
                        .redirectErrorStream(true).start();
                String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(300, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new KilnException("ptx", "ptxas -arch=" + arch + " did not finish in 300 s");
                }
                if (p.exitValue() != 0) {
                    throw new KilnException("ptx", "ptxas -arch=" + arch + " rejected the module (exit " + p.exitValue() + "):\n"
                            + withLines(log, ptx), null, "this is a Kiln code generator bug");
                }
            } finally {
                java.nio.file.Files.deleteIfExists(out);
                java.nio.file.Files.deleteIfExists(in);
                java.nio.file.Files.deleteIfExists(dir);
            }
        } catch (java.io.IOException e) {
            throw new KilnException("ptx", "cannot run " + ptxas + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KilnException("ptx", "interrupted while running ptxas");
        }
    }

    private static final Pattern LINE = Pattern.compile("line (\\d+)");

    /** Each message of a PTX compiler log followed by the PTX line it names. */
    public static String withLines(String log, String ptx) {
        String[] lines = ptx.split("\n", -1);
        List<String> out = new ArrayList<>();
        for (String l : log.split("\n")) {
            out.add("  " + l.trim());
            Matcher m = LINE.matcher(l);
            if (m.find()) {
                int n = Integer.parseInt(m.group(1));
                if (n >= 1 && n <= lines.length) {
                    out.add("    " + n + ": " + lines[n - 1].trim());
                }
            }
        }
        return String.join("\n", out);
    }
}
