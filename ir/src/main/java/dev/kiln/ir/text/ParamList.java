package dev.kiln.ir.text;

import dev.kiln.ir.DType;
import dev.kiln.ir.Ints;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameters of one primitive as parsed ({@code [key=value ...]}), consumed key by key by
 * {@link PrimitiveText#build}. Each read checks the value's form and reports a missing, mistyped
 * or left-over parameter at its position in the text.
 */
final class ParamList {
    /** A raw value: a list {@code [1,2]}, an int, or a word ({@code f32}, {@code max}). */
    private record Value(int offset, int[] list, Integer number, String word) {
    }

    private final TextReader reader;
    private final String primitive;
    private final int primitiveOffset;
    private final Map<String, Value> values = new LinkedHashMap<>();
    /** Keys not read yet, in text order, with the offset of each key. */
    private final Map<String, Integer> unread = new LinkedHashMap<>();

    private ParamList(TextReader reader, String primitive, int primitiveOffset) {
        this.reader = reader;
        this.primitive = primitive;
        this.primitiveOffset = primitiveOffset;
    }

    /** Parses {@code [k=v k=v]} if the cursor is at '[', else an empty list. */
    static ParamList parse(TextReader r, String primitive, int primitiveOffset) {
        ParamList ps = new ParamList(r, primitive, primitiveOffset);
        if (!r.tryChar('[')) {
            return ps;
        }
        r.skipSpaces();
        while (!r.tryChar(']')) {
            int keyAt = r.pos();
            String expected = "a parameter 'name=value' or ']' closing the parameters of " + primitive;
            String key = r.identifier(expected);
            r.skipSpaces();
            if (r.peek() != '=') {
                r.seek(keyAt);
                throw r.expected(expected);
            }
            if (ps.values.containsKey(key)) {
                throw r.error(keyAt, "parameter '" + key + "' of " + primitive + " is given twice");
            }
            r.advance();
            r.skipSpaces();
            ps.unread.put(key, keyAt);
            ps.values.put(key, value(r, key));
            r.skipSpaces();
        }
        return ps;
    }

    private static Value value(TextReader r, String key) {
        int at = r.pos();
        if (r.tryChar('[')) {
            List<Integer> xs = new ArrayList<>();
            r.skipSpaces();
            if (!r.tryChar(']')) {
                do {
                    r.skipSpaces();
                    xs.add(r.integer("an integer in the list of '" + key + "'"));
                    r.skipSpaces();
                } while (r.tryChar(','));
                r.expectChar(']', "',' or ']' in the list of '" + key + "'");
            }
            return new Value(at, xs.stream().mapToInt(Integer::intValue).toArray(), null, null);
        }
        if (r.peek() == '-' || Character.isDigit(r.peek())) {
            return new Value(at, null, r.integer("an integer value for '" + key + "'"), null);
        }
        if (r.atIdent()) {
            return new Value(at, null, null, r.identifier(""));
        }
        throw r.expected("a value for '" + key + "' (a list [..], an integer or a name)");
    }

    Ints ints(String key) {
        Value v = take(key, "a list of integers like [0,1]");
        if (v.list == null) {
            throw invalidAt(key, v, "a list of integers like [0,1]");
        }
        return Ints.of(v.list);
    }

    Shape shape(String key) {
        Value v = take(key, "a shape like [2,3]");
        if (v.list == null) {
            throw invalidAt(key, v, "a shape like [2,3]");
        }
        for (int d : v.list) {
            if (d < 0) {
                throw reader.error(v.offset, "parameter '" + key + "' of " + primitive + ": shape " + Ints.of(v.list)
                        + " has a negative dimension");
            }
        }
        return Shape.of(v.list);
    }

    int integer(String key) {
        Value v = take(key, "an integer");
        if (v.number == null) {
            throw invalidAt(key, v, "an integer");
        }
        return v.number;
    }

    DType dtype(String key) {
        String w = word(key, "a dtype (f32, f64, i32 or bool)");
        try {
            return DType.parse(w);
        } catch (IllegalArgumentException e) {
            throw invalid(key, "a dtype (f32, f64, i32 or bool)");
        }
    }

    String word(String key, String expected) {
        Value v = take(key, expected);
        if (v.word == null) {
            throw invalidAt(key, v, expected);
        }
        return v.word;
    }

    /** An error for a value of {@code key} that is well-formed but not one of the accepted ones. */
    KilnException invalid(String key, String expected) {
        return invalidAt(key, values.get(key), expected);
    }

    private KilnException invalidAt(String key, Value v, String expected) {
        String found = v.list != null ? Ints.of(v.list).toString() : v.number != null ? v.number.toString() : v.word;
        return reader.error(v.offset, "parameter '" + key + "' of " + primitive + ": expected " + expected
                + ", found '" + found + "'");
    }

    private Value take(String key, String expected) {
        Value v = values.get(key);
        if (v == null) {
            throw reader.error(primitiveOffset, primitive + " needs parameter '" + key + "' (" + expected + ")");
        }
        unread.remove(key);
        return v;
    }

    /** Fails on any parameter the primitive did not read. */
    void finish(String name) {
        if (!unread.isEmpty()) {
            String key = unread.keySet().iterator().next();
            throw reader.error(unread.get(key), "unknown parameter '" + key + "' for " + name);
        }
    }
}
