package dev.kiln.bench.step;

/** Which training step: ordinary SGD, or DP-SGD with per-example gradients by vmap or by a loop. */
public enum Variant {
    SGD("sgd", false),
    DP_VMAP("dp", true),
    DP_LOOP("dp_loop", true);

    private final String label;
    private final boolean isPrivate;

    Variant(String label, boolean isPrivate) {
        this.label = label;
        this.isPrivate = isPrivate;
    }

    /** The short name used in CSV files and in the PyTorch protocol. */
    public String label() {
        return label;
    }

    public boolean isPrivate() {
        return isPrivate;
    }

    public static Variant ofLabel(String s) {
        for (Variant v : values()) {
            if (v.label.equals(s)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown step variant '" + s + "' (sgd, dp, dp_loop)");
    }
}
