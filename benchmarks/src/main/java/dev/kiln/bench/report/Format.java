package dev.kiln.bench.report;

import java.util.Locale;

/** Number formatting shared by every table: a few significant figures, never locale commas. */
public final class Format {
    private Format() {
    }

    /** A cell: numbers to about three significant figures, null as empty, anything else as text. */
    public static String cell(Object o) {
        return switch (o) {
            case null -> "";
            case Double d -> sig(d);
            case Float f -> sig(f);
            case Integer i -> Integer.toString(i);
            case Long l -> Long.toString(l);
            default -> o.toString();
        };
    }

    /** {@code v} with three significant figures (more digits before the point are kept: 1234.5 -> 1235). */
    public static String sig(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        double a = Math.abs(v);
        if (a == 0) {
            return "0";
        }
        int digits = (int) Math.floor(Math.log10(a)) + 1;
        int decimals = Math.max(0, 3 - digits);
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** A ratio such as {@code 1.37x}. */
    public static String ratio(double v) {
        return Double.isNaN(v) ? "" : sig(v) + "x";
    }

    /** Bytes as MiB or GiB with three significant figures. */
    public static String bytes(long b) {
        if (b >= 1L << 30) {
            return sig(b / (double) (1L << 30)) + " GiB";
        }
        return sig(b / (double) (1L << 20)) + " MiB";
    }

    /** Parses sizes such as {@code 512m}, {@code 2g}, {@code 1.5G} or plain bytes. */
    public static long parseBytes(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.endsWith("ib")) {
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("b")) {
            t = t.substring(0, t.length() - 1);
        }
        long unit = 1;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'k' -> unit = 1L << 10;
                case 'm' -> unit = 1L << 20;
                case 'g' -> unit = 1L << 30;
                default -> unit = 1;
            }
        }
        if (unit != 1) {
            t = t.substring(0, t.length() - 1);
        }
        try {
            double v = Double.parseDouble(t);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return (long) (v * unit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a size: '" + s + "' (use e.g. 512m, 2g or a byte count)");
        }
    }
}
