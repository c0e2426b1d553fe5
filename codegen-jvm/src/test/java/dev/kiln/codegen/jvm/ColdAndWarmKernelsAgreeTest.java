package dev.kiln.codegen.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.ArrayData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bit reproducibility across HotSpot's tiers: a kernel's first, interpreted call (the Vector
 * API's Java fallback) and its calls after C2 compiled it (the intrinsics) give the same bits.
 * The cold run happens in a fresh JVM under {@code -Xint}, so it cannot have been compiled.
 */
class ColdAndWarmKernelsAgreeTest {

    @Test
    void interpretedAndCompiledKernelsGiveTheSameBits(@TempDir Path dir) throws Exception {
        Path cold = dir.resolve("cold.bin"), warm = dir.resolve("warm.bin");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xint", "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), ColdKernelProbe.class.getName(), cold.toString())
                .redirectErrorStream(true).start();
        JvmExecutable exe = ColdKernelProbe.compile();
        List<ArrayData> in = ColdKernelProbe.inputs();
        List<ArrayData> out = null;
        // Enough calls for C2 to compile the kernel loops (OSR after a few thousand vector iterations).
        for (int i = 0; i < 400; i++) {
            out = exe.run(in);
        }
        ColdKernelProbe.write(out, warm);
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the -Xint probe did not finish");
        assertEquals(0, p.exitValue(), log);
        int[] c = ints(cold), w = ints(warm);
        assertEquals(c.length, w.length);
        List<String> differ = new ArrayList<>();
        for (int i = 0; i < c.length; i++) {
            if (c[i] != w[i]) {
                differ.add(i + ": " + Float.intBitsToFloat(c[i]) + " cold, " + Float.intBitsToFloat(w[i]) + " warm");
            }
        }
        assertTrue(differ.isEmpty(), differ.size() + " of " + c.length + " values differ, e.g. "
                + differ.subList(0, Math.min(5, differ.size())));
    }

    private static int[] ints(Path file) throws IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(Files.readAllBytes(file));
        int[] v = new int[b.remaining() / 4];
        b.asIntBuffer().get(v);
        return v;
    }
}
