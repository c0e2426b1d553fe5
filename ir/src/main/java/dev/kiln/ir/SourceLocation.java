package dev.kiln.ir;

import java.util.Objects;

/**
 * The user's source line an equation came from, e.g. {@code Model.loss(Model.java:42)}: the first
 * frame outside Kiln's own packages, so errors and dumps point at the user's code rather than at
 * Kiln's.
 *
 * <p>Every traced operation records one, but only dumps and error messages read them. So
 * {@link #ofCaller} captures the stack as a throwable's raw backtrace (a few microseconds, even
 * before HotSpot has compiled anything) and finds the user's frame only when the location is first
 * read. Walking the stack at each operation instead cost a tenth of a cold LSTM compile.
 */
public final class SourceLocation {

    public static final SourceLocation UNKNOWN = new SourceLocation("?", "?", "unknown", -1);

    /**
     * Packages whose frames are Kiln internals, skipped when looking for the user's line. An array,
     * not a set: a loop over an array is the cheapest test before HotSpot has compiled anything.
     */
    private static final String[] INTERNAL_PREFIXES = {
            "dev.kiln.ir.", "dev.kiln.tracer.", "dev.kiln.autodiff.", "dev.kiln.vmap.",
            "dev.kiln.runtime.", "dev.kiln.codegen.", "dev.kiln.privacy.",
            "java.", "jdk.", "sun.", "org.junit.", "net.jqwik."};

    /** The decoded frame. */
    private record Frame(String className, String methodName, String fileName, int line) {
    }

    /** The stack captured at the traced operation; dropped once decoded. */
    private static final class CapturedStack extends Throwable {
        CapturedStack() {
            super(null, null, false, true);
        }
    }

    private volatile CapturedStack stack;
    private volatile Frame frame;

    public SourceLocation(String className, String methodName, String fileName, int line) {
        this.frame = new Frame(Objects.requireNonNull(className), Objects.requireNonNull(methodName),
                Objects.requireNonNull(fileName), line);
    }

    private SourceLocation(CapturedStack stack) {
        this.stack = stack;
    }

    /** The first caller outside Kiln (found when first read), or {@link #UNKNOWN}'s fields if there is none. */
    public static SourceLocation ofCaller() {
        return new SourceLocation(new CapturedStack());
    }

    public String className() {
        return frame().className();
    }

    public String methodName() {
        return frame().methodName();
    }

    public String fileName() {
        return frame().fileName();
    }

    public int line() {
        return frame().line();
    }

    private Frame frame() {
        Frame f = frame;
        if (f == null) {
            // Two threads may decode the same stack; both get equal frames.
            CapturedStack s = stack;
            f = s == null ? frame : decode(s);
            frame = f;
            stack = null;
        }
        return f;
    }

    private static Frame decode(CapturedStack s) {
        for (StackTraceElement e : s.getStackTrace()) {
            if (!isInternal(e.getClassName())) {
                return new Frame(e.getClassName(), e.getMethodName(), e.getFileName() == null ? "unknown" : e.getFileName(),
                        e.getLineNumber());
            }
        }
        return UNKNOWN.frame;
    }

    static boolean isInternal(String className) {
        // dev.kiln.tracer.nn. (Kiln's layers) falls under dev.kiln.tracer.
        for (String p : INTERNAL_PREFIXES) {
            if (className.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /** Whether this is {@link #UNKNOWN}, or a capture with no frame outside Kiln. */
    public boolean isUnknown() {
        return this == UNKNOWN || line() < 0 && "?".equals(className());
    }

    /** {@code Model.java:42}, the short form used in dumps. */
    public String shortText() {
        return fileName() + ":" + line();
    }

    /** {@code Model.loss(Model.java:42)}, the form used in errors (as in a stack trace). */
    @Override
    public String toString() {
        if (isUnknown()) {
            return "<unknown source>";
        }
        String className = className();
        String simple = className.substring(className.lastIndexOf('.') + 1);
        return simple + "." + methodName() + "(" + fileName() + ":" + line() + ")";
    }

    /** Locations are equal when they name the same class, method, file and line. */
    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof SourceLocation other && frame().equals(other.frame());
    }

    @Override
    public int hashCode() {
        return frame().hashCode();
    }
}
