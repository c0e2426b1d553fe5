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
