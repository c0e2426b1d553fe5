package dev.kiln.bench.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PythonEnvTest {
    @Test
    void pthreadOpenBlasComesFirstOnTheLibraryPath() {
        Map<String, String> e = PythonEnv.peerEnvironment(Map.of("LD_LIBRARY_PATH", "/opt/lib"), 2);
        assertEquals(PythonEnv.OPENBLAS_DIR + ":/opt/lib", e.get("LD_LIBRARY_PATH"));
        assertEquals("1", e.get("OPENBLAS_NUM_THREADS"));
        assertEquals("2", e.get("KILN_TORCH_THREADS"));
        assertEquals(PythonEnv.OPENBLAS_DIR, PythonEnv.peerEnvironment(Map.of(), 1).get("LD_LIBRARY_PATH"));
        assertEquals("/x", PythonEnv.peerEnvironment(Map.of("KILN_OPENBLAS_DIR", "/x"), 1).get("LD_LIBRARY_PATH"));
    }

    @Test
    void debiansPythonIsTriedBeforeThePathsUnlessOverridden() {
        assertEquals(List.of("/usr/bin/python3", "python3"), PythonEnv.candidates(Map.of()));
        assertEquals(List.of("/opt/py", "/usr/bin/python3", "python3"), PythonEnv.candidates(Map.of("KILN_PYTHON", "/opt/py")));
    }
}
