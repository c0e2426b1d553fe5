package dev.kiln.codegen.ptx;

import java.nio.file.Path;

/**
 * Test support: every PTX module a test generates goes through here. It is assembled by JCuda's
 * in-JVM NVPTX compiler (always) and by {@code ptxas} for sm_80 and sm_90 when {@code ptxas} is on
 * the PATH; a rejection fails the test with the assembler's messages and the lines they point at.
 */
final class Assemblers {
    private static final Path PTXAS = PtxAssembler.findPtxas();

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
            if (PTXAS != null) {
                PtxAssembler.ptxas(PTXAS, ptx, "sm_80");
                PtxAssembler.ptxas(PTXAS, ptx, "sm_90");
            }
        } catch (RuntimeException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }
}
