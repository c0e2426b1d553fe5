package dev.kiln.ir;

/**
 * The user's source line an equation came from, e.g. {@code Model.loss(Model.java:42)}. Found by
 * walking the stack to the first frame outside Kiln's own packages, so errors and dumps point at
 * the user's code rather than at Kiln's.
 */
public record SourceLocation(String className, String methodName, String fileName, int line) {

    public static final SourceLocation UNKNOWN = new SourceLocation("?", "?", "unknown", -1);

    /**
     * Packages whose frames are Kiln internals, skipped when looking for the user's line. An array,
     * not a set: every traced operation tests each frame of a deep stack against all of them, and a
     * loop over an array is the cheapest way to do that before HotSpot has compiled anything.
     */
    private static final String[] INTERNAL_PREFIXES = {
            "dev.kiln.ir.", "dev.kiln.tracer.", "dev.kiln.autodiff.", "dev.kiln.vmap.",
            "dev.kiln.runtime.", "dev.kiln.codegen.", "dev.kiln.privacy.",
            "java.", "jdk.", "sun.", "org.junit.", "net.jqwik."};

    private static final StackWalker WALKER = StackWalker.getInstance();

    /** The first caller outside Kiln, or {@link #UNKNOWN}. */
    public static SourceLocation ofCaller() {
        return WALKER.walk(frames -> frames
                .filter(f -> !isInternal(f.getClassName()))
                .findFirst()
                .map(f -> new SourceLocation(f.getClassName(), f.getMethodName(),
                        f.getFileName() == null ? "unknown" : f.getFileName(), f.getLineNumber()))
                .orElse(UNKNOWN));
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

    /** {@code Model.java:42}, the short form used in dumps. */
    public String shortText() {
        return fileName + ":" + line;
    }

    /** {@code Model.loss(Model.java:42)}, the form used in errors (as in a stack trace). */
    @Override
    public String toString() {
        if (this == UNKNOWN || line < 0 && "?".equals(className)) {
            return "<unknown source>";
        }
        String simple = className.substring(className.lastIndexOf('.') + 1);
        return simple + "." + methodName + "(" + fileName + ":" + line + ")";
    }
}
