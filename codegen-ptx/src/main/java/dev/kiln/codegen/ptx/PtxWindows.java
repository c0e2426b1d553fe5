package dev.kiln.codegen.ptx;

import dev.kiln.ir.DType;
import dev.kiln.ir.Shape;
import dev.kiln.ir.device.DeviceMemory;
import dev.kiln.ir.kernel.BufferRef;
import dev.kiln.ir.kernel.LibraryKernel;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.ReduceWindow;
import dev.kiln.ir.prim.SelectAndScatterAdd;
import dev.kiln.ir.prim.WindowKind;
import java.util.List;

/**
 * Pooling and its max gradient in PTX, as the OpenCL backend does them: reduce_window with one
 * thread per output element; select_and_scatter_add without atomics, one thread per operand
 * element gathering from the windows that select it, in the source's row-major order.
 */
final class PtxWindows {
    private PtxWindows() {
    }

    static PtxRendered reduceWindow(LibraryKernel lib, ReduceWindow p, String name, DeviceMemory mem) {
        BufferRef in = lib.operands().getFirst(), out = lib.result();
        DType dt = out.dtype();
        Shape is = in.type().shape(), os = out.type().shape();
        boolean max = p.kind() == WindowKind.MAX;
        return PtxGrid.kernel(name, mem, List.of(in, out), os.numel(), false, lib.name() + ": " + p.kind().textName() + " pooling", (k, e) -> {
            PtxBuilder b = k.b;
            PtxOps ops = new PtxOps(b);
            Reg[] o = PtxGrid.unravel(b, e, os.toArray());
            Reg acc = b.reg(PtxType.of(dt));
            b.set(acc, ops.constant(max ? (dt == DType.I32 ? Integer.MIN_VALUE : Double.NEGATIVE_INFINITY) : 0, dt).toString());
            int[] strides = is.strides();
            Reg[] t = new Reg[is.rank()];
            nest(b, p.windowDims().toArray(), t, 0, () -> {
                Reg offset = b.mov(PtxType.B32, "0");
                Reg ok = null;
                for (int d = 0; d < is.rank(); d++) {
                    Reg pd = b.bin(PtxType.B32, "sub.s32", b.tern(PtxType.B32, "mad.lo.s32", o[d], p.strides().get(d), t[d]), p.padLow().get(d));
                    Reg in_ = b.and(b.setp("ge.s32", pd, 0), b.setp("lt.s32", pd, is.dim(d)));
                    ok = ok == null ? in_ : b.and(ok, in_);
                    offset = b.tern(PtxType.B32, "mad.lo.s32", pd, strides[d], offset);
                }
                Reg at = offset;
                Runnable fold = () -> b.set(acc, ops.binary(max ? BinaryOp.MAX : BinaryOp.ADD, dt, acc, k.load(in, at)).toString());
                if (ok == null) {
                    fold.run();
                } else {
                    b.when(ok, fold);
                }
            });
            k.store(out, e, acc);
        });
    }

    static PtxRendered selectAndScatterAdd(LibraryKernel lib, SelectAndScatterAdd p, String name, DeviceMemory mem) {
        BufferRef source = lib.operands().get(0), operand = lib.operands().get(1), out = lib.result();
        DType dt = out.dtype();
        PtxType pt = PtxType.of(dt);
        Shape is = operand.type().shape(), ss = source.type().shape();
        int rank = is.rank();
        int[] inStrides = is.strides(), srcStrides = ss.strides();
        return PtxGrid.kernel(name, mem, List.of(source, operand, out), is.numel(), false, lib.name() + ": max-pool gradient, gathered", (k, e) -> {
            PtxBuilder b = k.b;
            PtxOps ops = new PtxOps(b);
            Reg[] q = PtxGrid.unravel(b, e, is.toArray());
            Reg acc = b.mov(pt, pt == PtxType.B32 ? "0" : PtxBuilder.fimm(pt, 0));
            Reg[] lo = new Reg[rank], hi = new Reg[rank];
            for (int d = 0; d < rank; d++) {
                int s = p.strides().get(d), pad = p.padLow().get(d), win = p.windowDims().get(d);
                // Windows o with o*s - pad <= q < o*s - pad + win: o in [ceil((q+pad-win+1)/s), floor((q+pad)/s)].
                lo[d] = b.bin(PtxType.B32, "max.s32", ceilDiv(b, b.addInt(q[d], pad - win + 1), s), 0);
                hi[d] = b.addInt(b.bin(PtxType.B32, "min.s32", floorDiv(b, b.addInt(q[d], pad), s), ss.dim(d) - 1), 1);
            }
            Reg[] o = new Reg[rank];
            windows(b, lo, hi, o, 0, () -> {
                Reg sel = b.mov(PtxType.B32, "-1");
                Reg best = b.mov(pt, pt == PtxType.B32 ? "0" : PtxBuilder.fimm(pt, 0));
                Reg[] t = new Reg[rank];
                nest(b, p.windowDims().toArray(), t, 0, () -> {
                    Reg at = b.mov(PtxType.B32, "0");
                    Reg ok = null;
                    for (int d = 0; d < rank; d++) {
                        Reg pd = b.bin(PtxType.B32, "sub.s32", b.tern(PtxType.B32, "mad.lo.s32", o[d], p.strides().get(d), t[d]), p.padLow().get(d));
                        Reg in_ = b.and(b.setp("ge.s32", pd, 0), b.setp("lt.s32", pd, is.dim(d)));
                        ok = ok == null ? in_ : b.and(ok, in_);
                        at = b.tern(PtxType.B32, "mad.lo.s32", pd, inStrides[d], at);
                    }
                    Reg tapAt = at;
                    b.when(ok, () -> {
                        Reg v = k.load(operand, tapAt);
                        // Replace unless current >= candidate (XLA's select with JAX's ge): the first maximum.
                        Reg keep = b.setp("ge." + PtxType.arith(dt), best, v);
                        Reg take = b.or(b.setp("lt.s32", sel, 0), b.not(keep));
                        b.set(sel, b.selp(PtxType.B32, tapAt, sel, take).toString());
                        b.set(best, b.selp(pt, v, best, take).toString());
                    });
                });
                Reg window = b.mov(PtxType.B32, "0");
                for (int d = 0; d < rank; d++) {
                    window = b.tern(PtxType.B32, "mad.lo.s32", o[d], srcStrides[d], window);
                }
                Reg w = window;
                b.when(b.setp("eq.s32", sel, e), () -> b.set(acc, ops.binary(BinaryOp.ADD, dt, acc, k.load(source, w)).toString()));
            });
            k.store(out, e, acc);
        });
    }

    /** Nested loops {@code t[d] in [0, dims[d])} from dimension {@code d} inwards. */
    private static void nest(PtxBuilder b, int[] dims, Reg[] t, int d, Runnable body) {
        if (d == dims.length) {
            body.run();
            return;
        }
        t[d] = b.reg(PtxType.B32);
        b.loop(t[d], 0, dims[d], 1, () -> nest(b, dims, t, d + 1, body));
    }

    private static void windows(PtxBuilder b, Reg[] lo, Reg[] hi, Reg[] o, int d, Runnable body) {
        if (d == lo.length) {
            body.run();
            return;
        }
        o[d] = b.reg(PtxType.B32);
        b.loop(o[d], lo[d], hi[d], 1, () -> windows(b, lo, hi, o, d + 1, body));
    }

    /** {@code floor(a / s)} for s > 0. */
    private static Reg floorDiv(PtxBuilder b, Reg a, int s) {
        Reg q = b.bin(PtxType.B32, "div.s32", a, s);
        Reg r = b.bin(PtxType.B32, "rem.s32", a, s);
        return b.selp(PtxType.B32, b.addInt(q, -1), q, b.setp("lt.s32", r, 0));
    }

    private static Reg ceilDiv(PtxBuilder b, Reg a, int s) {
        return b.un(PtxType.B32, "neg.s32", floorDiv(b, b.un(PtxType.B32, "neg.s32", a), s));
    }
}
