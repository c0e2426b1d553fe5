package dev.kiln.codegen.opencl;

import dev.kiln.ir.DType;
import dev.kiln.ir.Shape;
import dev.kiln.ir.device.DeviceMemory;
import dev.kiln.ir.kernel.BufferRef;
import dev.kiln.ir.kernel.LibraryKernel;
import dev.kiln.ir.prim.ReduceWindow;
import dev.kiln.ir.prim.SelectAndScatterAdd;
import dev.kiln.ir.prim.WindowKind;
import java.util.List;

/**
 * Pooling and its max gradient. reduce_window: one work-item per output element folds its window,
 * skipping padding. select_and_scatter_add without atomics: one work-item per operand element
 * visits the windows that contain it, recomputes each window's first maximum, and sums the source
 * values of the windows that select it, in the source's row-major order (as the interpreter adds them).
 */
final class ClWindows {
    private ClWindows() {
    }

    static ClKernel reduceWindow(LibraryKernel lib, ReduceWindow p, ClScope scope) {
        BufferRef in = lib.operands().getFirst(), out = lib.result();
        ClExprs x = new ClExprs();
        DType dt = out.dtype();
        String t = ClTypes.scalar(dt);
        Shape is = in.type().shape(), os = out.type().shape();
        int rank = is.rank();
        boolean max = p.kind() == WindowKind.MAX;
        String init = max ? ClTypes.constant(dt == DType.I32 ? Integer.MIN_VALUE : Double.NEGATIVE_INFINITY, dt) : "(" + t + ")0";
        return ClGrid.kernel(lib, scope, x, List.of(in, out), os.numel(), false, p.kind().textName() + " pooling", w -> {
            ClGrid.unravel(w, "e", "o", os.toArray());
            w.line(t + " acc = " + init + ";");
            int[] strides = is.strides();
            StringBuilder offset = new StringBuilder("0");
            for (int d = 0; d < rank; d++) {
                w.open("for (int t" + d + " = 0; t" + d + " < " + p.windowDims().get(d) + "; t" + d + "++)");
                w.line("const int p" + d + " = o" + d + " * " + p.strides().get(d) + " + t" + d + " - " + p.padLow().get(d) + ";");
                w.line("if (p" + d + " < 0 || p" + d + " >= " + is.dim(d) + ") continue;");
                offset.append(" + p").append(d).append(" * ").append(strides[d]);
            }
            String v = x.name(in) + "[" + offset + "]";
            w.line("acc = " + (max ? ClExprs.binary(dev.kiln.ir.prim.BinaryOp.MAX, dt, "acc", v)
                    : ClExprs.binary(dev.kiln.ir.prim.BinaryOp.ADD, dt, "acc", v)) + ";");
            for (int d = 0; d < rank; d++) {
                w.close();
            }
            w.line(x.name(out) + "[e] = acc;");
        });
    }

    static ClKernel selectAndScatterAdd(LibraryKernel lib, SelectAndScatterAdd p, ClScope scope) {
        BufferRef source = lib.operands().get(0), operand = lib.operands().get(1), out = lib.result();
        ClExprs x = new ClExprs();
        DType dt = out.dtype();
        String t = ClTypes.scalar(dt);
        Shape is = operand.type().shape(), ss = source.type().shape();
        int rank = is.rank();
        int[] inStrides = is.strides(), srcStrides = ss.strides();
        return ClGrid.kernel(lib, scope, x, List.of(source, operand, out), is.numel(), false, "max-pool gradient, gathered", w -> {
            ClGrid.unravel(w, "e", "q", is.toArray());
            w.line(t + " acc = 0;");
            StringBuilder window = new StringBuilder("0");
            for (int d = 0; d < rank; d++) {
                int s = p.strides().get(d), pad = p.padLow().get(d), win = p.windowDims().get(d);
                // Windows o with o*s - pad <= q < o*s - pad + win.
                w.line("const int lo" + d + " = max(0, kiln_ceildiv(q" + d + " + " + (pad - win + 1) + ", " + s + "));");
                w.line("const int hi" + d + " = min(" + (ss.dim(d) - 1) + ", kiln_floordiv(q" + d + " + " + pad + ", " + s + "));");
                w.open("for (int o" + d + " = lo" + d + "; o" + d + " <= hi" + d + "; o" + d + "++)");
                window.append(" + o").append(d).append(" * ").append(srcStrides[d]);
            }
            w.line("int sel = -1; " + t + " best = 0;");
            StringBuilder tap = new StringBuilder("0");
            for (int d = 0; d < rank; d++) {
                w.open("for (int t" + d + " = 0; t" + d + " < " + p.windowDims().get(d) + "; t" + d + "++)");
                w.line("const int p" + d + " = o" + d + " * " + p.strides().get(d) + " + t" + d + " - " + p.padLow().get(d) + ";");
                w.line("if (p" + d + " < 0 || p" + d + " >= " + is.dim(d) + ") continue;");
                tap.append(" + p").append(d).append(" * ").append(inStrides[d]);
            }
            w.line("const int at = " + tap + ";");
            w.line("const " + t + " v = " + x.name(operand) + "[at];");
            w.line("if (sel < 0 || !(best >= v)) { sel = at; best = v; }");
            for (int d = 0; d < rank; d++) {
                w.close();
            }
            w.line("if (sel == e) acc = " + ClExprs.binary(dev.kiln.ir.prim.BinaryOp.ADD, dt, "acc", x.name(source) + "[" + window + "]") + ";");
            for (int d = 0; d < rank; d++) {
                w.close();
            }
            w.line(x.name(out) + "[e] = acc;");
        });
    }
}
