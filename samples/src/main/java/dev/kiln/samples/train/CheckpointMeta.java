package dev.kiln.samples.train;

import dev.kiln.ir.KilnException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a checkpoint's {@code manifest.json} records besides the tensors.
 *
 * @param model      the model's name
 * @param optimizer  the optimiser's name
 * @param epoch      epochs completed
 * @param step       optimiser steps completed (the next step's number)
 * @param trajectory the settings a resumed run must repeat ({@link TrainConfig#trajectoryKeys})
 * @param seed       the random seed; null for secure randomness. A seeded run's random numbers are a
 *                   function of (seed, step), so (seed, step) IS the random state: nothing else to save
 * @param accountant the privacy spent so far; null for non-private training
 */
public record CheckpointMeta(String model, String optimizer, int epoch, long step, Map<String, String> trajectory,
                             Long seed, AccountantState accountant) {

    /**
     * The accountant's state: {@code steps} steps at noise multiplier {@code sigma} and sampling
     * rate {@code q}, which (with the default orders) determine its RDP exactly; and the epsilon
     * at {@code delta} it gave, for the record.
     */
    public record AccountantState(long steps, double sigma, double q, double delta, double epsilon) {
    }

    public CheckpointMeta {
        trajectory = Map.copyOf(trajectory);
    }

    Map<String, Object> toJson(String format, List<Map<String, Object>> tensors) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", format);
        m.put("model", model);
        m.put("optimizer", optimizer);
        m.put("epoch", epoch);
        m.put("step", step);
        Map<String, Object> rng = new LinkedHashMap<>();
        rng.put("mode", seed == null ? "secure" : "seeded");
        if (seed != null) {
            rng.put("seed", Long.toString(seed));
            rng.put("next_step", step);
        }
        m.put("rng", rng);
        if (accountant != null) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("steps", accountant.steps());
            a.put("sigma", accountant.sigma());
            a.put("q", accountant.q());
            a.put("delta", accountant.delta());
            a.put("epsilon", accountant.epsilon());
            m.put("accountant", a);
        } else {
            m.put("accountant", null);
        }
        m.put("trajectory", new java.util.TreeMap<>(trajectory));
        m.put("tensors", tensors);
        return m;
    }

    static CheckpointMeta fromJson(Map<?, ?> json, Path file) {
        try {
            Map<?, ?> rng = (Map<?, ?>) json.get("rng");
            Long seed = "seeded".equals(rng.get("mode")) ? Long.parseLong((String) rng.get("seed")) : null;
            AccountantState acc = null;
            if (json.get("accountant") instanceof Map<?, ?> a) {
                acc = new AccountantState(((Double) a.get("steps")).longValue(), (Double) a.get("sigma"),
                        (Double) a.get("q"), (Double) a.get("delta"), number(a.get("epsilon")));
            }
            Map<String, String> traj = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) json.get("trajectory")).entrySet()) {
                traj.put((String) e.getKey(), (String) e.getValue());
            }
            return new CheckpointMeta((String) json.get("model"), (String) json.get("optimizer"),
                    ((Double) json.get("epoch")).intValue(), ((Double) json.get("step")).longValue(), traj, seed, acc);
        } catch (RuntimeException e) {
            throw new KilnException("checkpoint", "corrupt checkpoint: " + file + " lacks or garbles a field (" + e + ")",
                    null, "delete the checkpoint folder to start over, or point --checkpoint at another one");
        }
    }

    private static double number(Object o) {
        return o instanceof Double d ? d : Double.parseDouble((String) o);
    }
}
