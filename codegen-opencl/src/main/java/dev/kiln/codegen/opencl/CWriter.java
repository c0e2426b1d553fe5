package dev.kiln.codegen.opencl;

/** Builds C source line by line with indentation; line numbers let build errors point at the source. */
final class CWriter {
    private final StringBuilder sb = new StringBuilder();
    private int indent;

    CWriter line(String s) {
        sb.append("    ".repeat(indent)).append(s).append('\n');
        return this;
    }

    CWriter open(String s) {
        line(s + " {");
        indent++;
        return this;
    }

    CWriter close() {
        indent--;
        return line("}");
    }

    /** Closes a block and opens the next one on the same line ({@code } else {}). */
    CWriter reopen(String s) {
        indent--;
        line("} " + s + " {");
        indent++;
        return this;
    }

    CWriter blank() {
        sb.append('\n');
        return this;
    }

    CWriter raw(String text) {
        sb.append(text);
        return this;
    }

    @Override
    public String toString() {
        return sb.toString();
    }
}
