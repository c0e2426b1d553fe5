package dev.kiln.codegen.opencl;

import dev.kiln.ir.DType;
import dev.kiln.ir.device.DeviceMemory;
import dev.kiln.ir.device.IndexView;
import dev.kiln.ir.kernel.BufferRef;
import dev.kiln.ir.kernel.LibraryKernel;
import dev.kiln.ir.prim.BinaryOp;
import java.util.List;

/**
 * Gather and scatter_add over the view {@code operand [B, V, R]}, {@code indices [B, I]},
 * rows {@code [B, I, R]}. Gather: one work-item per gathered element. Scatter_add without atomics:
 * one work-item per column {@code (b, r)} copies its column of the operand and then adds the
 * updates of that column in index order, so no two work-items touch one element and repeated
 * indices sum in the interpreter's order. An index outside {@code [0, V)} raises the program's
 * error flag (launch id, index, position), which the host turns into the interpreter's error.
 */
final class ClIndexing {
    private ClIndexing() {
    }

    static ClKernel gather(LibraryKernel lib, int batchDims, int launchId, ClScope scope) {
        BufferRef operand = lib.operands().get(0), indices = lib.operands().get(1), out = lib.result();
        IndexView v = IndexView.of(batchDims, operand.type().shape(), indices.type().shape());
        ClExprs x = new ClExprs();
        String t = ClTypes.scalar(out.dtype());
        return ClGrid.kernel(lib, scope, x, List.of(operand, indices, out), out.size(), true, "gather rows", w -> {
            w.line("const int r = e % " + v.rowSize() + ", bi = e / " + v.rowSize() + ", b = bi / " + v.perBatch() + ";");
            w.line("const int row = " + x.name(indices) + "[bi];");
            rangeCheck(w, v, launchId, "bi");
            w.line(x.name(out) + "[e] = ok ? " + x.name(operand) + "[(b * " + v.rows() + " + row) * " + v.rowSize() + " + r] : (" + t + ")0;");
        });
    }

    static ClKernel scatterAdd(LibraryKernel lib, int batchDims, int launchId, ClScope scope) {
        BufferRef operand = lib.operands().get(0), indices = lib.operands().get(1), updates = lib.operands().get(2), out = lib.result();
        IndexView v = IndexView.of(batchDims, operand.type().shape(), indices.type().shape());
        ClExprs x = new ClExprs();
        DType dt = out.dtype();
        long columns = (long) v.batches() * v.rowSize();
        return ClGrid.kernel(lib, scope, x, List.of(operand, indices, updates, out), columns, true, "scatter-add by columns", w -> {
            w.line("const int b = e / " + v.rowSize() + ", r = e % " + v.rowSize() + ";");
            w.open("for (int row = 0; row < " + v.rows() + "; row++)");
            w.line("const int at = (b * " + v.rows() + " + row) * " + v.rowSize() + " + r;");
            w.line(x.name(out) + "[at] = " + x.name(operand) + "[at];");
            w.close();
            w.open("for (int i = 0; i < " + v.perBatch() + "; i++)");
            w.line("const int bi = b * " + v.perBatch() + " + i;");
            w.line("const int row = " + x.name(indices) + "[bi];");
            rangeCheck(w, v, launchId, "bi");
            w.line("if (!ok) continue;");
            w.line("const int at = (b * " + v.rows() + " + row) * " + v.rowSize() + " + r;");
            w.line(x.name(out) + "[at] = " + ClExprs.binary(BinaryOp.ADD, dt, x.name(out) + "[at]",
                    x.name(updates) + "[bi * " + v.rowSize() + " + r]") + ";");
            w.close();
        });
    }

    private static void rangeCheck(CWriter w, IndexView v, int launchId, String position) {
        w.line("const bool ok = row >= 0 && row < " + v.rows() + ";");
        w.open("if (!ok && atomic_cmpxchg(" + ClSignature.ERROR_FLAG + ", 0, " + launchId + ") == 0)");
        w.line(ClSignature.ERROR_FLAG + "[1] = row; " + ClSignature.ERROR_FLAG + "[2] = " + position + ";");
        w.close();
    }
}
