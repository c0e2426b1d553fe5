package dev.kiln.bench;

import dev.kiln.samples.models.Models;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Model names for options: completion candidates, and parsing of comma lists such as {@code ffnn,lstm} or {@code all}. */
public final class ModelList implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
        return Models.NAMES.iterator();
    }

    /** The models named in {@code items} (each may hold commas); empty or {@code all}: all six. */
    public static List<String> parse(List<String> items) {
        List<String> out = new ArrayList<>();
        if (items != null) {
            for (String item : items) {
                for (String s : item.split(",")) {
                    String t = s.trim();
                    if (t.isEmpty()) {
                        continue;
                    }
                    if (t.equals("all")) {
                        return Models.NAMES;
                    }
                    if (!Models.NAMES.contains(t)) {
                        throw new IllegalArgumentException("unknown model '" + t + "'; choose from " + Models.NAMES);
                    }
                    if (!out.contains(t)) {
                        out.add(t);
                    }
                }
            }
        }
        return out.isEmpty() ? Models.NAMES : List.copyOf(out);
    }

    /** Positive integers from a comma list such as {@code 16,32,64}. */
    public static List<Integer> parseInts(String csv, String what) {
        List<Integer> out = new ArrayList<>();
        for (String s : csv.split(",")) {
            String t = s.trim();
            if (t.isEmpty()) {
                continue;
            }
            int v;
            try {
                v = Integer.parseInt(t);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(what + ": '" + t + "' is not a whole number");
            }
            if (v < 1) {
                throw new IllegalArgumentException(what + ": " + v + " is not positive");
            }
            out.add(v);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(what + ": none given");
        }
        return List.copyOf(out);
    }
}
