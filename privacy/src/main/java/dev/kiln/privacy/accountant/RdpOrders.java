package dev.kiln.privacy.accountant;

import dev.kiln.ir.KilnException;
import java.util.ArrayList;
import java.util.List;

/**
 * The Rényi orders {@code alpha} at which the accountant tracks RDP; the (epsilon, delta)
 * conversion takes the best of them. The default is Opacus' {@code RDPAccountant.DEFAULT_ALPHAS}
 * (also TF Privacy's tutorial grid): {@code 1 + x / 10.0} for x = 1..99 (1.1 to 10.9), then the
 * integers 12 to 63. If the best order comes out as the smallest or largest one, a wider grid may
 * give a smaller epsilon.
 *
 * @param values the orders, each in (1, {@value #MAX_ORDER}], in any order (duplicates are harmless)
 */
public record RdpOrders(List<Double> values) {
    /** Orders above this are refused: the series cost grows linearly in alpha. */
    public static final double MAX_ORDER = 100_000;

    private static final RdpOrders DEFAULT = opacusGrid();

    public RdpOrders {
        values = List.copyOf(values);
        if (values.isEmpty()) {
            throw new KilnException(Checks.OPERATION, "the list of RDP orders is empty");
        }
        for (double alpha : values) {
            Checks.order(alpha);
        }
    }

    public static RdpOrders of(double... alphas) {
        List<Double> list = new ArrayList<>(alphas.length);
        for (double a : alphas) {
            list.add(a);
        }
        return new RdpOrders(list);
    }

    /** Opacus' default grid: 1.1, 1.2, ..., 10.9, 12, 13, ..., 63 (150 orders). */
    public static RdpOrders defaults() {
        return DEFAULT;
    }

    public int size() {
        return values.size();
    }

    public double get(int index) {
        return values.get(index);
    }

    private static RdpOrders opacusGrid() {
        List<Double> list = new ArrayList<>();
        for (int x = 1; x < 100; x++) {
            list.add(1 + x / 10.0); // the same double arithmetic as Opacus' Python list
        }
        for (int a = 12; a < 64; a++) {
            list.add((double) a);
        }
        return new RdpOrders(list);
    }
}
