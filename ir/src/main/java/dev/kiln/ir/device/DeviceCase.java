package dev.kiln.ir.device;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Graph;
import java.util.List;

/**
 * A test program for device backends: a graph, the inputs to run it on, and how closely a backend
 * must match the interpreter.
 *
 * @param elementwise each output element is one scalar function of input elements, so it must match
 *                    element by element to a few ulps; otherwise results accumulate and are
 *                    compared relative to the array's scale
 */
public record DeviceCase(String name, Graph graph, List<ArrayData> inputs, boolean elementwise) {
    public DeviceCase {
        inputs = List.copyOf(inputs);
    }
}
