package dev.kiln.ir.text;

import dev.kiln.ir.KilnException;

/**
 * A cursor over IR text for the hand-written parser: character tests, identifiers, integers, and
 * errors that name the line, the column and what was expected, with the offending line quoted.
 */
final class TextReader {
    private final String text;
    private int pos;

    TextReader(String text) {
        this.text = text;
    }

    int pos() {
        return pos;
    }

    void seek(int p) {
        pos = p;
    }

    boolean atEnd() {
        return pos >= text.length();
    }

    /** The current character, or -1 at the end. */
    int peek() {
        return pos < text.length() ? text.charAt(pos) : -1;
    }

    int peek(int ahead) {
        return pos + ahead < text.length() ? text.charAt(pos + ahead) : -1;
    }

    void advance() {
        pos++;
    }

    /** Skips spaces and tabs, staying on the current line. */
    void skipSpaces() {
        while (peek() == ' ' || peek() == '\t') {
            pos++;
        }
    }

    /** Skips whitespace, line ends and {@code #} comments. */
    void skipBlank() {
        while (true) {
            int c = peek();
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                pos++;
            } else if (c == '#') {
                while (!atEnd() && peek() != '\n') {
                    pos++;
                }
            } else {
                return;
            }
        }
    }

    /** After {@link #skipSpaces}: whether the line (its content, not its comment) ends here. */
    boolean atLineEnd() {
        int c = peek();
        return c == -1 || c == '\n' || c == '\r' || c == '#';
    }

    boolean tryChar(char c) {
        if (peek() == c) {
            pos++;
            return true;
        }
        return false;
    }

    void expectChar(char c, String what) {
        if (!tryChar(c)) {
            throw expected(what);
        }
    }

    static boolean isIdentStart(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_';
    }

    static boolean isIdentPart(int c) {
        return isIdentStart(c) || c >= '0' && c <= '9';
    }

    boolean atIdent() {
        return isIdentStart(peek());
    }

    /** The identifier at the cursor; {@code what} names it in the error if there is none. */
    String identifier(String what) {
        if (!atIdent()) {
            throw expected(what);
        }
        int start = pos;
        while (isIdentPart(peek())) {
            pos++;
        }
        return text.substring(start, pos);
    }

    /** The identifier at the cursor without consuming it, or null. */
    String peekIdentifier() {
        int save = pos;
        String s = atIdent() ? identifier("") : null;
        pos = save;
        return s;
    }

    /** A decimal int, optionally negative. */
    int integer(String what) {
        int start = pos;
        tryChar('-');
        if (!Character.isDigit(peek())) {
            pos = start;
            throw expected(what);
        }
        while (Character.isDigit(peek())) {
            pos++;
        }
        try {
            return Integer.parseInt(text.substring(start, pos));
        } catch (NumberFormatException e) {
            throw error(start, what + " " + text.substring(start, pos) + " does not fit in 32 bits");
        }
    }

    /**
     * The characters of a number (digits, letters, '.', and a sign at the start or after an
     * exponent letter), unchecked: the caller parses them for the dtype it expects.
     */
    String numberToken() {
        int start = pos;
        tryChar('-');
        while (true) {
            int c = peek();
            boolean sign = (c == '+' || c == '-') && pos > start && "eEpP".indexOf(text.charAt(pos - 1)) >= 0;
            if (isIdentPart(c) || c == '.' || sign) {
                pos++;
            } else if (c == '(' && text.startsWith("nan", pos - 3)) {
                // nan(0x7fc00001): a NaN with its payload bits
                while (!atEnd() && peek() != ')' && peek() != '\n') {
                    pos++;
                }
                tryChar(')');
            } else {
                break;
            }
        }
        return text.substring(start, pos);
    }

    /** The rest of the current line (up to, not including, the line break), trimmed. */
    String restOfLine() {
        int start = pos;
        while (!atEnd() && peek() != '\n' && peek() != '\r') {
            pos++;
        }
        return text.substring(start, pos).trim();
    }

    /** "expected {@code what}, found ..." at the cursor. */
    KilnException expected(String what) {
        return error(pos, "expected " + what + ", found " + found());
    }

    /** A description of what is at the cursor, for error messages. */
    String found() {
        int c = peek();
        if (c == -1) {
            return "end of text";
        }
        if (c == '\n' || c == '\r') {
            return "end of line";
        }
        int end = pos;
        if (isIdentPart(c) || c == '-' || c == '.') {
            end++;
            while (end < text.length() && (isIdentPart(text.charAt(end)) || text.charAt(end) == '.')) {
                end++;
            }
        } else {
            end++;
        }
        return "'" + text.substring(pos, end) + "'";
    }

    /** A parse error at offset {@code at}: line, column, detail, and the line with a caret. */
    KilnException error(int at, String detail) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < at && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        int lineEnd = text.indexOf('\n', lineStart);
        String lineText = text.substring(lineStart, lineEnd < 0 ? text.length() : lineEnd).replace("\r", "");
        int column = at - lineStart + 1;
        String gutter = String.valueOf(line);
        String snippet = "\n  " + gutter + " | " + lineText
                + "\n  " + " ".repeat(gutter.length()) + " | " + " ".repeat(Math.max(column - 1, 0)) + "^";
        return new KilnException("parse", "line " + line + ", column " + column + ": " + detail + snippet);
    }
}
