package dev.kiln.bench.torch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Where the PyTorch peer runs: a Python that can {@code import torch, functorch}, the
 * environment of ../shared/PEERS.md (pthread OpenBLAS first on the library path, one OpenBLAS
 * thread, torch's own two threads), and the script. Debian's torch lives in
 * {@code /usr/bin/python3}'s packages, which a python3 earlier on the PATH (pyenv, a venv) may not
 * see, so that one is tried first; {@code KILN_PYTHON} overrides.
 */
public record PythonEnv(String python, Path script, Map<String, String> environment) {
    public static final String OPENBLAS_DIR = "/usr/lib/x86_64-linux-gnu/openblas-pthread";

    /** The environment additions for the peer, given the current environment. */
    public static Map<String, String> peerEnvironment(Map<String, String> current, int threads) {
        String blas = current.getOrDefault("KILN_OPENBLAS_DIR", OPENBLAS_DIR);
        String ld = current.get("LD_LIBRARY_PATH");
        return Map.of("LD_LIBRARY_PATH", ld == null || ld.isEmpty() ? blas : blas + ":" + ld,
                "OPENBLAS_NUM_THREADS", "1", "KILN_TORCH_THREADS", Integer.toString(threads));
    }

    /** Pythons to try, in order. */
    static List<String> candidates(Map<String, String> env) {
        List<String> c = new ArrayList<>();
        String k = env.get("KILN_PYTHON");
        if (k != null && !k.isBlank()) {
            c.add(k);
        }
        c.add("/usr/bin/python3");
        c.add("python3");
        return c;
    }

    /** The first candidate that imports torch and functorch, or null. */
    public static String findPython(Map<String, String> extraEnv) {
        for (String p : candidates(System.getenv())) {
            if (imports(p, extraEnv)) {
                return p;
            }
        }
        return null;
    }

    private static boolean imports(String python, Map<String, String> extraEnv) {
        try {
            ProcessBuilder pb = new ProcessBuilder(python, "-c", "import torch, functorch").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().putAll(extraEnv);
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The script: {@code benchmarks/python/torch_bench.py} under the working directory (the
     * {@code ./kiln} launcher runs from the repository root), else the copy inside the jar,
     * extracted to a temporary file.
     */
    public static Path locateScript() throws IOException {
        Path local = Path.of("benchmarks", "python", "torch_bench.py");
        if (Files.isRegularFile(local)) {
            return local.toAbsolutePath();
        }
        try (var in = PythonEnv.class.getResourceAsStream("/python/torch_bench.py")) {
            if (in == null) {
                throw new IOException("torch_bench.py is neither at " + local.toAbsolutePath() + " nor inside the jar");
            }
            Path tmp = Files.createTempFile("kiln-torch-bench", ".py");
            tmp.toFile().deleteOnExit();
            Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return tmp;
        }
    }
}
