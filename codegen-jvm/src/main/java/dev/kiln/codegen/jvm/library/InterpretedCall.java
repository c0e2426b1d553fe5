package dev.kiln.codegen.jvm.library;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.interp.Interpreter;
import dev.kiln.ir.prim.Primitive;
import java.util.ArrayList;
import java.util.List;

/**
 * A library primitive evaluated by the reference interpreter on copies of its operands: the
 * correct, slow path for primitives without a hand-written kernel.
 */
final class InterpretedCall implements LibraryCall {
    private final Primitive primitive;
    private final List<TensorType> operands;
    private final TensorType result;

    InterpretedCall(Primitive primitive, List<TensorType> operands, TensorType result) {
        this.primitive = primitive;
        this.operands = List.copyOf(operands);
        this.result = result;
    }

    @Override
    public void run(Object[] arrays, int[] offsets) {
        List<ArrayData> in = new ArrayList<>(operands.size());
        for (int i = 0; i < operands.size(); i++) {
            in.add(Slices.copyOut(operands.get(i), arrays[i], offsets[i]));
        }
        ArrayData r = Interpreter.evaluate(primitive, in);
        int last = operands.size();
        System.arraycopy(r.storage(), 0, arrays[last], offsets[last], result.numel());
    }
}
