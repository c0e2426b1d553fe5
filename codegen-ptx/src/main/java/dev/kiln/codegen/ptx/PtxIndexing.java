package dev.kiln.codegen.ptx;

import dev.kiln.ir.DType;
import dev.kiln.ir.device.DeviceMemory;
import dev.kiln.ir.device.IndexView;
import dev.kiln.ir.kernel.BufferRef;
import dev.kiln.ir.kernel.LibraryKernel;
import dev.kiln.ir.prim.BinaryOp;
import java.util.List;

/**
 * Gather and scatter_add over the view {@code operand [B, V, R]}, {@code indices [B, I]}, as the
 * OpenCL backend does them: gather one thread per gathered element; scatter_add without atomics,
 * one thread per column {@code (b, r)}, which copies its column and adds its updates in index
 * order. An out-of-range index raises the module's error flag.
 */
final class PtxIndexing {
    private PtxIndexing() {
    }

    static PtxRendered gather(LibraryKernel lib, int batchDims, int launchId, String name, DeviceMemory mem) {
        BufferRef operand = lib.operands().get(0), indices = lib.operands().get(1), out = lib.result();
        IndexView v = IndexView.of(batchDims, operand.type().shape(), indices.type().shape());
        PtxType t = PtxType.of(out.dtype());
        return PtxGrid.kernel(name, mem, List.of(operand, indices, out), out.size(), true, lib.name() + ": gather rows", (k, e) -> {
            PtxBuilder b = k.b;
            Reg r = b.bin(PtxType.B32, "rem.s32", e, v.rowSize()), bi = b.bin(PtxType.B32, "div.s32", e, v.rowSize());
            Reg batch = b.bin(PtxType.B32, "div.s32", bi, v.perBatch());
            Reg row = k.load(indices, bi);
            Reg ok = inRange(k, v, row, bi, launchId);
            Reg value = b.mov(t, t == PtxType.B32 ? "0" : PtxBuilder.fimm(t, 0));
            b.when(ok, () -> {
                Reg at = b.tern(PtxType.B32, "mad.lo.s32", b.tern(PtxType.B32, "mad.lo.s32", batch, v.rows(), row), v.rowSize(), r);
                b.set(value, k.load(operand, at).toString());
            });
            k.store(out, e, value);
        });
    }

    static PtxRendered scatterAdd(LibraryKernel lib, int batchDims, int launchId, String name, DeviceMemory mem) {
        BufferRef operand = lib.operands().get(0), indices = lib.operands().get(1), updates = lib.operands().get(2), out = lib.result();
        IndexView v = IndexView.of(batchDims, operand.type().shape(), indices.type().shape());
        DType dt = out.dtype();
        long columns = (long) v.batches() * v.rowSize();
        return PtxGrid.kernel(name, mem, List.of(operand, indices, updates, out), columns, true, lib.name() + ": scatter-add by columns", (k, e) -> {
            PtxBuilder b = k.b;
            PtxOps ops = new PtxOps(b);
            Reg batch = b.bin(PtxType.B32, "div.s32", e, v.rowSize()), r = b.bin(PtxType.B32, "rem.s32", e, v.rowSize());
            Reg row = b.reg(PtxType.B32), i = b.reg(PtxType.B32);
            b.loop(row, 0, v.rows(), 1, () -> {
                Reg at = b.tern(PtxType.B32, "mad.lo.s32", b.tern(PtxType.B32, "mad.lo.s32", batch, v.rows(), row), v.rowSize(), r);
                k.store(out, at, k.load(operand, at));
            });
            b.loop(i, 0, v.perBatch(), 1, () -> {
                Reg bi = b.tern(PtxType.B32, "mad.lo.s32", batch, v.perBatch(), i);
                Reg target = k.load(indices, bi);
                Reg ok = inRange(k, v, target, bi, launchId);
                b.when(ok, () -> {
                    Reg at = b.tern(PtxType.B32, "mad.lo.s32", b.tern(PtxType.B32, "mad.lo.s32", batch, v.rows(), target), v.rowSize(), r);
                    Reg u = k.load(updates, b.tern(PtxType.B32, "mad.lo.s32", bi, v.rowSize(), r));
                    k.store(out, at, ops.binary(BinaryOp.ADD, dt, k.load(out, at), u));
                });
            });
        });
    }

    private static Reg inRange(PtxKernel k, IndexView v, Reg row, Reg position, int launchId) {
        PtxBuilder b = k.b;
        Reg ok = b.and(b.setp("ge.s32", row, 0), b.setp("lt.s32", row, v.rows()));
        b.when(b.not(ok), () -> k.raiseError(launchId, row, position));
        return ok;
    }
}
