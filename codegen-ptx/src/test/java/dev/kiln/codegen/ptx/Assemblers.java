package dev.kiln.codegen.ptx;

import java.nio.file.Path;

/**
 * Test support: every PTX module a test generates goes through here. It is assembled by JCuda's
 * in-JVM NVPTX compiler (always) and by {@code ptxas} for sm_80 and sm_90 when {@code ptxas} is on
 * the PATH; a rejection fails the test with the assembler's messages and the lines they point at.
 */
final class Assemblers {
    private static final Path PTXAS = PtxAssembler.findPtxas();
    /** Module texts already assembled (alone or as part of a merged module). */
    private static final java.util.Set<String> ASSEMBLED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private Assemblers() {
    }

    static boolean hasPtxas() {
        return PTXAS != null;
    }

    static void check(PtxModule m) {
        check(m.text());
    }

    static void check(String ptx) {
        if (ASSEMBLED.contains(ptx)) {
            return;
        }
        try {
            PtxAssembler.assemble(ptx, "sm_80");
            if (PTXAS != null) {
                PtxAssembler.ptxas(PTXAS, ptx, "sm_80");
                PtxAssembler.ptxas(PTXAS, ptx, "sm_90");
            }
        } catch (RuntimeException e) {
            throw new AssertionError(e.getMessage(), e);
        }
        ASSEMBLED.add(ptx);
    }

    /**
     * Assembles several modules (with distinct entry names) as one, which costs one assembler run
     * instead of one each, and records each as assembled. A rejection names the module at fault.
     */
    static void checkTogether(java.util.List<PtxModule> modules) {
        StringBuilder merged = new StringBuilder();
        for (PtxModule m : modules) {
            String t = m.text();
            if (merged.isEmpty()) {
                merged.append(t);
            } else {
                String header = ".address_size 64\n";
                merged.append(t.substring(t.indexOf(header) + header.length()));
            }
        }
        try {
            check(merged.toString());
        } catch (AssertionError e) {
            for (PtxModule m : modules) {
                check(m); // the first failing module fails with its own line numbers
            }
            throw e;
        }
        for (PtxModule m : modules) {
            ASSEMBLED.add(m.text());
        }
    }
}
