package dev.kiln.bench.torch;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The line protocol spoken with {@code benchmarks/python/torch_bench.py --serve}: one request a
 * line, one reply line each (the script's docstring is the reference). Requests are formatted
 * here and replies parsed into records; a malformed reply is an {@link IllegalArgumentException}
 * that quotes the line.
 */
public final class TorchProtocol {
    private TorchProtocol() {
    }

    /** A parsed reply. */
    public sealed interface Reply permits Info, Ready, Times, Freed, Failure, Bye {
    }

    /** {@code info torch=1.13.1 threads=2 blas=open}: the peer's versions and settings. */
    public record Info(Map<String, String> fields) implements Reply {
        public String get(String key) {
            return fields.getOrDefault(key, "?");
        }
    }

    /** {@code ready <id> <parameters> <first_ms>}: a step is set up; its first call took {@code firstMillis}. */
    public record Ready(String id, long parameters, double firstMillis) implements Reply {
    }

    /** {@code times <id> <ms>...}: the milliseconds of each step run. */
    public record Times(String id, double[] millis) implements Reply {
    }

    /** {@code freed <id>}. */
    public record Freed(String id) implements Reply {
    }

    /** {@code error <id> <message>}: the request failed; the peer keeps serving. */
    public record Failure(String id, String message) implements Reply {
    }

    /** {@code bye}: the peer is exiting. */
    public record Bye() implements Reply {
    }

    public static String info() {
        return "info";
    }

    public static String setup(String id, String model, String mode, int batch) {
        checkWord(id, "id");
        checkWord(model, "model");
        checkWord(mode, "mode");
        return "setup " + id + " " + model + " " + mode + " " + batch;
    }

    public static String run(String id, int steps) {
        checkWord(id, "id");
        if (steps < 1) {
            throw new IllegalArgumentException("run: steps must be positive, got " + steps);
        }
        return "run " + id + " " + steps;
    }

    public static String free(String id) {
        checkWord(id, "id");
        return "free " + id;
    }

    public static String quit() {
        return "quit";
    }

    public static Reply parse(String line) {
        if (line == null) {
            throw new IllegalArgumentException("the PyTorch peer closed its output (did it crash? see its messages above)");
        }
        String[] w = line.trim().split("\\s+");
        try {
            return switch (w[0]) {
                case "info" -> info(w);
                case "ready" -> {
                    need(w, 4);
                    yield new Ready(w[1], Long.parseLong(w[2]), Double.parseDouble(w[3]));
                }
                case "times" -> {
                    need(w, 3);
                    double[] t = new double[w.length - 2];
                    for (int i = 0; i < t.length; i++) {
                        t[i] = Double.parseDouble(w[i + 2]);
                    }
                    yield new Times(w[1], t);
                }
                case "freed" -> {
                    need(w, 2);
                    yield new Freed(w[1]);
                }
                case "error" -> {
                    need(w, 2);
                    String rest = line.trim().substring(5).trim();
                    int sp = rest.indexOf(' ');
                    yield new Failure(w[1], sp < 0 ? "(no message)" : rest.substring(sp + 1).trim());
                }
                case "bye" -> new Bye();
                default -> throw new IllegalArgumentException("unknown reply");
            };
        } catch (IllegalArgumentException e) { // NumberFormatException included
            throw new IllegalArgumentException("malformed reply from the PyTorch peer: '" + line + "' (" + e.getMessage() + ")");
        }
    }

    private static Info info(String[] w) {
        Map<String, String> f = new LinkedHashMap<>();
        for (int i = 1; i < w.length; i++) {
            int eq = w[i].indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("field '" + w[i] + "' is not key=value");
            }
            f.put(w[i].substring(0, eq), w[i].substring(eq + 1));
        }
        return new Info(f);
    }

    private static void need(String[] w, int n) {
        if (w.length < n) {
            throw new IllegalArgumentException("expected at least " + n + " words");
        }
    }

    private static void checkWord(String s, String what) {
        if (s == null || s.isEmpty() || !s.equals(s.strip()) || s.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException(what + " must be one word, got '" + s + "'");
        }
    }
}
