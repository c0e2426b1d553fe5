package dev.kiln.codegen.ptx;

import dev.kiln.ir.DType;
import dev.kiln.ir.device.ConvGeometry;
import dev.kiln.ir.device.DeviceMemory;
import dev.kiln.ir.device.GemmLayout;
import dev.kiln.ir.device.StridedIndex;
import dev.kiln.ir.kernel.BufferRef;
import dev.kiln.ir.kernel.LibraryKernel;
import dev.kiln.ir.prim.ConvGeneralDilated;
import dev.kiln.ir.prim.DotGeneral;
import java.util.List;

/**
 * Batched matrix products tiled through shared memory: dot_general read in place through its
 * {@link GemmLayout}, convolution as an implicit GEMM whose im2col tile is computed while loading
 * ({@link ConvGeometry}). A block of 16x16 threads computes a 32x32 tile, each thread 2x2
 * elements, stepping through the depth 16 at a time; the grid's z dimension walks the batch.
 */
final class PtxGemm {
    static final int TILE = 32, DEPTH = 16, SIDE = 16, PITCH = TILE + 1;
    private static final int MAX_GRID_YZ = 65535;

    private PtxGemm() {
    }

    /** Emits the element {@code A[batch, row, k]} (or {@code B[batch, k, col]}) of an in-range position. */
    private interface Loader {
        Reg load(Reg batch, Reg row, Reg col);
    }

    private interface Storer {
        void store(Reg batch, Reg m, Reg n, Reg value);
    }

    static PtxRendered dot(LibraryKernel lib, DotGeneral p, String name, DeviceMemory mem) {
        BufferRef lhs = lib.operands().get(0), rhs = lib.operands().get(1), out = lib.result();
        GemmLayout g = GemmLayout.of(p, lhs.type().shape(), rhs.type().shape());
        PtxKernel k = new PtxKernel(name, mem, List.of(lhs, rhs, out), false);
        PtxBuilder b = k.b;
        Loader a = (batch, m, kk) -> k.load(lhs, b.addInt(b.addInt(offset(b, g.lhsBatch(), batch), offset(b, g.lhsRows(), m)), offset(b, g.lhsDepth(), kk)));
        Loader bl = (batch, kk, n) -> k.load(rhs, b.addInt(b.addInt(offset(b, g.rhsBatch(), batch), offset(b, g.rhsDepth(), kk)), offset(b, g.rhsCols(), n)));
        Storer st = (batch, m, n, v) -> k.store(out, b.tern(PtxType.B32, "mad.lo.s32", b.tern(PtxType.B32, "mad.lo.s32", batch, g.m(), m), g.n(), n), v);
        b.comment(lib.name() + ": batched GEMM [" + g.batch() + "] " + g.m() + "x" + g.k() + " * " + g.k() + "x" + g.n());
        return gemm(k, out.dtype(), g.batch(), g.m(), g.n(), g.k(), a, bl, st);
    }

    static PtxRendered conv(LibraryKernel lib, ConvGeneralDilated c, String name, DeviceMemory mem) {
        BufferRef lhs = lib.operands().get(0), rhs = lib.operands().get(1), out = lib.result();
        ConvGeometry g = ConvGeometry.of(c, lhs.type().shape(), rhs.type().shape(), out.type().shape());
        PtxKernel k = new PtxKernel(name, mem, List.of(lhs, rhs, out), false);
        PtxBuilder b = k.b;
        Loader w = (grp, m, kk) -> k.load(rhs, b.tern(PtxType.B32, "mad.lo.s32", b.tern(PtxType.B32, "mad.lo.s32", grp, g.perGroup(), m), g.depth(), kk));
        Loader x = (grp, kk, col) -> im2col(k, g, lhs, grp, kk, col);
        int os = g.outSpatial();
        Storer st = (grp, m, col, v) -> {
            Reg img = b.bin(PtxType.B32, "div.s32", col, os), s = b.bin(PtxType.B32, "rem.s32", col, os);
            Reg feature = b.tern(PtxType.B32, "mad.lo.s32", grp, g.perGroup(), m);
            Reg at = b.tern(PtxType.B32, "mad.lo.s32", b.tern(PtxType.B32, "mad.lo.s32", img, g.features(), feature), os, s);
            k.store(out, at, v);
        };
        b.comment(lib.name() + ": convolution as implicit GEMM [" + g.groups() + "] " + g.perGroup() + "x" + g.depth() + " * "
                + g.depth() + "x" + g.columns());
        return gemm(k, out.dtype(), g.groups(), g.perGroup(), g.columns(), g.depth(), w, x, st);
    }

    /** The input pixel of im2col element {@code (kk, col)} of group {@code grp}, or 0 on padding and holes. */
    private static Reg im2col(PtxKernel k, ConvGeometry g, BufferRef lhs, Reg grp, Reg kk, Reg col) {
        PtxBuilder b = k.b;
        PtxType t = PtxType.of(lhs.dtype());
        Reg i = b.bin(PtxType.B32, "div.s32", kk, g.taps());
        Reg tap = b.bin(PtxType.B32, "rem.s32", kk, g.taps());
        Reg img = b.bin(PtxType.B32, "div.s32", col, g.outSpatial());
        Reg s = b.bin(PtxType.B32, "rem.s32", col, g.outSpatial());
        Reg pixel = b.mov(PtxType.B32, "0");
        Reg valid = null;
        int inStride = 1;
        for (int d = g.spatialRank() - 1; d >= 0; d--) {
            Reg td = b.bin(PtxType.B32, "rem.s32", tap, g.kernelDims()[d]);
            Reg od = b.bin(PtxType.B32, "rem.s32", s, g.outDims()[d]);
            tap = b.bin(PtxType.B32, "div.s32", tap, g.kernelDims()[d]);
            s = b.bin(PtxType.B32, "div.s32", s, g.outDims()[d]);
            Reg p = b.bin(PtxType.B32, "sub.s32", b.tern(PtxType.B32, "mad.lo.s32", td, g.rhsDilation()[d], b.mulInt(od, g.strides()[d])), g.padLow()[d]);
            Reg ok = b.and(b.setp("ge.s32", p, 0), b.setp("lt.s32", p, g.dilatedExtent(d)));
            int dil = g.lhsDilation()[d];
            if (dil > 1) {
                ok = b.and(ok, b.setp("eq.s32", b.bin(PtxType.B32, "rem.s32", p, dil), 0));
                p = b.bin(PtxType.B32, "div.s32", p, dil);
            }
            pixel = b.tern(PtxType.B32, "mad.lo.s32", p, inStride, pixel);
            valid = valid == null ? ok : b.and(valid, ok);
            inStride *= g.inDims()[d];
        }
        Reg image = b.tern(PtxType.B32, "mad.lo.s32", grp, g.batchStride(), img);
        Reg channel = b.tern(PtxType.B32, "mad.lo.s32", grp, g.channelStride(), i);
        Reg at = b.tern(PtxType.B32, "mad.lo.s32", b.tern(PtxType.B32, "mad.lo.s32", image, g.channels(), channel), g.inSpatial(), pixel);
        Reg v = b.mov(t, PtxBuilder.fimm(t, 0));
        Reg ok = valid == null ? b.setp("eq.s32", pixel, pixel) : valid;
        b.when(ok, () -> b.set(v, k.load(lhs, at).toString()));
        return v;
    }

    private static PtxRendered gemm(PtxKernel k, DType dt, int batch, int m, int n, int depth, Loader loadA, Loader loadB, Storer store) {
        PtxBuilder b = k.b;
        PtxType t = PtxType.of(dt);
        String as = k.sharedArray("As", t, DEPTH * PITCH), bs = k.sharedArray("Bs", t, DEPTH * PITCH);
        int bytes = PtxType.bytes(dt);
        Reg tx = k.special("%tid.x"), ty = k.special("%tid.y");
        Reg tid = b.tern(PtxType.B32, "mad.lo.s32", ty, SIDE, tx);
        Reg n0 = b.mulInt(k.special("%ctaid.x"), TILE);
        Reg tileY = k.special("%ctaid.y"), tilesY = k.special("%nctaid.y");
        Reg zero = b.mov(t, zero(t));
        Reg[] acc = {b.reg(t), b.reg(t), b.reg(t), b.reg(t)};
        Reg bat = b.reg(PtxType.B32), k0 = b.reg(PtxType.B32), e = b.reg(PtxType.B32), mt = b.reg(PtxType.B32);
        // The grid's y and z dimensions are limited to 65535: blocks stride over row tiles and batches.
        b.loop(bat, k.special("%ctaid.z"), batch, k.special("%nctaid.z"), () -> b.loop(mt, tileY, ceil(m, TILE), tilesY, () -> {
            Reg m0 = b.mulInt(mt, TILE);
            for (Reg c : acc) {
                b.set(c, zero.toString());
            }
            b.loop(k0, 0, depth, DEPTH, () -> {
                b.loop(e, tid, TILE * DEPTH, SIDE * SIDE, () -> {
                    // A tile, stored [kk][mm]: consecutive threads read consecutive depths.
                    Reg mm = b.bin(PtxType.B32, "div.s32", e, DEPTH), kk = b.bin(PtxType.B32, "rem.s32", e, DEPTH);
                    Reg row = b.addInt(m0, mm), kA = b.addInt(k0, kk);
                    Reg va = b.mov(t, zero.toString());
                    b.when(b.and(b.setp("lt.s32", row, m), b.setp("lt.s32", kA, depth)), () -> b.set(va, loadA.load(bat, row, kA).toString()));
                    b.op("st.shared." + PtxType.memory(dt) + " [" + k.sharedAddress(as, b.tern(PtxType.B32, "mad.lo.s32", kk, PITCH, mm), bytes) + "], " + va);
                    // B tile, stored [kk][nn].
                    Reg kb = b.bin(PtxType.B32, "div.s32", e, TILE), nn = b.bin(PtxType.B32, "rem.s32", e, TILE);
                    Reg kB = b.addInt(k0, kb), col = b.addInt(n0, nn);
                    Reg vb = b.mov(t, zero.toString());
                    b.when(b.and(b.setp("lt.s32", kB, depth), b.setp("lt.s32", col, n)), () -> b.set(vb, loadB.load(bat, kB, col).toString()));
                    b.op("st.shared." + PtxType.memory(dt) + " [" + k.sharedAddress(bs, b.tern(PtxType.B32, "mad.lo.s32", kb, PITCH, nn), bytes) + "], " + vb);
                });
                b.op("bar.sync 0");
                for (int kk = 0; kk < DEPTH; kk++) {
                    Reg a0 = sharedLoad(k, as, dt, b.addInt(ty, kk * PITCH)), a1 = sharedLoad(k, as, dt, b.addInt(ty, kk * PITCH + SIDE));
                    Reg b0 = sharedLoad(k, bs, dt, b.addInt(tx, kk * PITCH)), b1 = sharedLoad(k, bs, dt, b.addInt(tx, kk * PITCH + SIDE));
                    mad(b, dt, acc[0], a0, b0);
                    mad(b, dt, acc[1], a0, b1);
                    mad(b, dt, acc[2], a1, b0);
                    mad(b, dt, acc[3], a1, b1);
                }
                b.op("bar.sync 0");
            });
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 2; j++) {
                    Reg row = b.addInt(m0, b.addInt(ty, i * SIDE)), col = b.addInt(n0, b.addInt(tx, j * SIDE));
                    Reg c = acc[2 * i + j];
                    b.when(b.and(b.setp("lt.s32", row, m), b.setp("lt.s32", col, n)), () -> store.store(bat, row, col, c));
                }
            }
        }));
        int[] grid = {ceil(n, TILE), Math.min(ceil(m, TILE), MAX_GRID_YZ), Math.min(batch, MAX_GRID_YZ)};
        return new PtxRendered(k, new PtxLaunch(k.name, grid, new int[]{SIDE, SIDE, 1}, k.blocks(), false));
    }

    private static Reg sharedLoad(PtxKernel k, String sym, DType dt, Reg index) {
        Reg v = k.b.reg(PtxType.of(dt));
        k.b.op("ld.shared." + PtxType.memory(dt) + " " + v + ", [" + k.sharedAddress(sym, index, PtxType.bytes(dt)) + "]");
        return v;
    }

    private static void mad(PtxBuilder b, DType dt, Reg c, Reg a, Reg x) {
        String op = dt == DType.I32 ? "mad.lo.s32" : "fma.rn." + PtxType.of(dt).decl;
        b.op(op + " " + c + ", " + a + ", " + x + ", " + c);
    }

    private static String zero(PtxType t) {
        return t == PtxType.B32 ? "0" : PtxBuilder.fimm(t, 0);
    }

    /** A {@link StridedIndex} of {@code v} as an s32 register. */
    static Reg offset(PtxBuilder b, StridedIndex s, Reg v) {
        Reg acc = b.mov(PtxType.B32, "0");
        for (int j = 0; j < s.terms().size(); j++) {
            StridedIndex.Term term = s.terms().get(j);
            Reg q = term.divisor() == 1 ? v : b.bin(PtxType.B32, "div.s32", v, term.divisor());
            Reg r = s.needsRemainder(j) ? b.bin(PtxType.B32, "rem.s32", q, term.size()) : q;
            acc = b.tern(PtxType.B32, "mad.lo.s32", r, term.stride(), acc);
        }
        return acc;
    }

    private static int ceil(int a, int b) {
        return (a + b - 1) / b;
    }
}
