package dev.kiln.ir;

/**
 * The one error type users see from Kiln. Its message names the operation, the shapes and dtypes
 * involved and, when known, the user's source line, and may carry a hint saying what to do:
 *
 * <pre>
 * kiln: dot_general: contracting dims do not match: lhs f32[128,104] dim 1 (104) vs rhs f32[50,2] dim 0 (50)
 *   at MyModel.loss(MyModel.java:42)
 *   hint: did you mean to transpose the weight? Linear weights are [out, in].
 * </pre>
 */
public class KilnException extends RuntimeException {
    private final String operation;
    private final String detail;
    private final SourceLocation source;
    private final String hint;

    public KilnException(String operation, String detail) {
        this(operation, detail, null, null, null);
    }

    public KilnException(String operation, String detail, SourceLocation source, String hint) {
        this(operation, detail, source, hint, null);
    }

    public KilnException(String operation, String detail, SourceLocation source, String hint, Throwable cause) {
        super(format(operation, detail, source, hint), cause);
        this.operation = operation;
        this.detail = detail;
        this.source = source;
        this.hint = hint;
    }

    private static String format(String operation, String detail, SourceLocation source, String hint) {
        StringBuilder sb = new StringBuilder("kiln: ").append(operation).append(": ").append(detail);
        if (source != null && !source.isUnknown()) {
            sb.append("\n  at ").append(source);
        }
        if (hint != null && !hint.isEmpty()) {
            sb.append("\n  hint: ").append(hint);
        }
        return sb.toString();
    }

    /** The operation that failed, e.g. {@code dot_general} or {@code jit}. */
    public String operation() {
        return operation;
    }

    /** The message without the operation, source and hint. */
    public String detail() {
        return detail;
    }

    /** The user's line, or null where none is known. */
    public SourceLocation source() {
        return source;
    }

    public String hint() {
        return hint;
    }

    /** The same error, now pointing at {@code where} (used when an error surfaces without a line). */
    public KilnException at(SourceLocation where) {
        if (source != null && !source.isUnknown()) {
            return this;
        }
        KilnException e = new KilnException(operation, detail, where, hint, getCause());
        e.setStackTrace(getStackTrace());
        return e;
    }
}
