package dev.kiln.bench.torch;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Finds the PyTorch peer's Python, installing PyTorch with {@code scripts/install-pytorch.sh}
 * when it is missing: the user asked for a comparison with PyTorch, so the command installs
 * what it needs, and says what it installs first.
 */
public final class TorchInstall {
    private TorchInstall() {
    }

    /** The environment to run the peer in; installs PyTorch if needed; a clear error if that fails. */
    public static PythonEnv ensure(int threads, PrintStream log) throws IOException {
        Map<String, String> extra = PythonEnv.peerEnvironment(System.getenv(), threads);
        String python = PythonEnv.findPython(extra);
        if (python == null) {
            Path installer = Path.of("scripts", "install-pytorch.sh");
            if (!Files.isRegularFile(installer)) {
                throw new IllegalStateException("PyTorch is not installed and scripts/install-pytorch.sh is not here "
                        + "(run from the repository root); install python3-torch and libopenblas0-pthread, or set KILN_PYTHON");
            }
            log.println("kiln bench compare: PyTorch not found; running scripts/install-pytorch.sh "
                    + "(apt-get install python3-torch libopenblas0-pthread: Debian's PyTorch 1.13 with functorch, pthread OpenBLAS)");
            int rc = run(installer);
            python = PythonEnv.findPython(extra);
            if (rc != 0 || python == null) {
                throw new IllegalStateException("PyTorch could not be installed (scripts/install-pytorch.sh exited with "
                        + rc + "; see its message above)");
            }
        }
        return new PythonEnv(python, PythonEnv.locateScript(), extra);
    }

    private static int run(Path installer) throws IOException {
        try {
            return new ProcessBuilder("bash", installer.toString()).inheritIO().start().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
