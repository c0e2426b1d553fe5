package dev.kiln.codegen.ptx;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Test support: every PTX module a test generates goes through here. It is assembled by JCuda's
 * in-JVM NVPTX compiler (always) and by {@code ptxas} for sm_80 and sm_90 when {@code ptxas} is on
 * the PATH; a rejection fails the test with the assembler's messages and the lines they point at.
 */
final class Assemblers {
    private static final Path PTXAS = findPtxas();

    private Assemblers() {
    }

    static boolean hasPtxas() {
        return PTXAS != null;
    }

    static void check(PtxModule m) {
        check(m.text());
    }

    static void check(String ptx) {
        try {
            PtxAssembler.assemble(ptx, "sm_80");
        } catch (RuntimeException e) {
            throw new AssertionError(e.getMessage(), e);
        }
        if (PTXAS != null) {
            ptxas(ptx, "sm_80");
            ptxas(ptx, "sm_90");
        }
    }

    private static void ptxas(String ptx, String arch) {
        try {
            Path dir = Files.createTempDirectory("kiln-ptxas");
            Path in = dir.resolve("module.ptx"), out = dir.resolve("module.cubin");
            Files.writeString(in, ptx);
            Process p = new ProcessBuilder(PTXAS.toString(), "-arch=" + arch, "-o", out.toString(), in.toString())
                    .redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("ptxas -arch=" + arch + " did not finish");
            }
            Files.deleteIfExists(out);
            Files.deleteIfExists(in);
            Files.deleteIfExists(dir);
            if (p.exitValue() != 0) {
                throw new AssertionError("ptxas -arch=" + arch + " rejected the module (exit " + p.exitValue() + "):\n"
                        + PtxAssembler.withLines(log, ptx));
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run ptxas: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static Path findPtxas() {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, "ptxas");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
