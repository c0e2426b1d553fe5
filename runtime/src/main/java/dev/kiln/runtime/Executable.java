package dev.kiln.runtime;

import dev.kiln.ir.ArrayData;
import java.util.List;

/** A compiled graph. Thread-safe: concurrent calls must not share mutable state. */
public interface Executable {

    /** Runs on host arrays (one per graph input, types as the graph declares) and returns the outputs. */
    List<ArrayData> run(List<ArrayData> inputs);

    /** The backend that made it. */
    String backendName();
}
