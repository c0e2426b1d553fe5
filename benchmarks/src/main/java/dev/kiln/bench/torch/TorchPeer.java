package dev.kiln.bench.torch;

import dev.kiln.bench.torch.TorchProtocol.Failure;
import dev.kiln.bench.torch.TorchProtocol.Info;
import dev.kiln.bench.torch.TorchProtocol.Ready;
import dev.kiln.bench.torch.TorchProtocol.Reply;
import dev.kiln.bench.torch.TorchProtocol.Times;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A running PyTorch peer ({@code torch_bench.py --serve}) spoken to over its standard input and
 * output. The peer idles between requests, so Kiln and PyTorch steps alternate and never run at
 * the same time. Its log lines go to this process's standard error.
 */
public final class TorchPeer implements AutoCloseable {
    private final Process process;
    private final BufferedWriter in;
    private final BufferedReader out;

    private TorchPeer(Process process) {
        this.process = process;
        this.in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    public static TorchPeer start(PythonEnv env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(env.python(), "-u", env.script().toString(), "--serve")
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putAll(env.environment());
        return new TorchPeer(pb.start());
    }

    /** A request the peer refused, with its one-line reason. */
    public static final class PeerError extends RuntimeException {
        PeerError(String message) {
            super(message);
        }
    }

    private synchronized Reply ask(String request) {
        try {
            in.write(request);
            in.newLine();
            in.flush();
            Reply r = TorchProtocol.parse(out.readLine());
            if (r instanceof Failure f) {
                throw new PeerError("PyTorch: " + f.message());
            }
            return r;
        } catch (IOException e) {
            throw new PeerError("PyTorch peer I/O failed on '" + request + "': " + e.getMessage());
        }
    }

    public Info info() {
        return expect(ask(TorchProtocol.info()), Info.class);
    }

    /** Builds a model's step and runs its first call. */
    public Ready setup(String id, String model, String mode, int batch) {
        return expect(ask(TorchProtocol.setup(id, model, mode, batch)), Ready.class);
    }

    /** Runs {@code steps} steps and returns each one's milliseconds. */
    public double[] run(String id, int steps) {
        return expect(ask(TorchProtocol.run(id, steps)), Times.class).millis();
    }

    public void free(String id) {
        ask(TorchProtocol.free(id));
    }

    private static <T extends Reply> T expect(Reply r, Class<T> type) {
        if (!type.isInstance(r)) {
            throw new PeerError("PyTorch peer answered " + r + " where a " + type.getSimpleName() + " was expected");
        }
        return type.cast(r);
    }

    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                in.write(TorchProtocol.quit());
                in.newLine();
                in.flush();
            }
        } catch (IOException ignored) {
            // it is gone already
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
