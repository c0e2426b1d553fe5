package dev.kiln.bench.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Which code a run measured: the git commit of the working directory, and whether it had local changes. */
public final class Provenance {
    private Provenance() {
    }

    /**
     * {@code abc1234}, {@code abc1234 with uncommitted changes}, or {@code unknown commit} outside a
     * git checkout. The benchmark outputs (benchmarks/results, benchmarks/RESULTS.md) do not count
     * as changes: a run rewrites them itself before it asks.
     */
    public static String commit() {
        String head = git("rev-parse", "--short", "HEAD");
        if (head == null || head.isBlank()) {
            return "unknown commit";
        }
        String status = git("status", "--porcelain", "--untracked-files=no", "--", ":/",
                ":(exclude,top)benchmarks/results", ":(exclude,top)benchmarks/RESULTS.md");
        return head.strip() + (status != null && !status.isBlank() ? " with uncommitted changes" : "");
    }

    private static String git(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "git";
        System.arraycopy(args, 0, cmd, 1, args.length);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
