package dev.kiln.codegen.opencl;

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
 * Batched matrix products tiled through local memory: dot_general read through its
 * {@link GemmLayout} (transposed operands cost no copy) and convolution as an implicit GEMM
 * ({@link ConvGeometry}: the im2col matrix is computed while loading its tile, never stored). A
 * work-group of 16x16 work-items computes a 32x32 tile of the product, each work-item 2x2
 * elements, stepping through the depth 16 at a time; the third NDRange dimension walks the batch.
 */
final class ClGemm {
    static final int TILE = 32, DEPTH = 16, SIDE = 16;
    private static final int MAX_BATCH_GROUPS = 65535;

    private ClGemm() {
    }

    /** How the tile loaders and the result store address memory, as C expressions. */
    private record Access(String loadA, String loadB, String store, String helpers) {
    }

    static ClKernel dot(LibraryKernel lib, DotGeneral p, ClScope scope) {
        BufferRef lhs = lib.operands().get(0), rhs = lib.operands().get(1), out = lib.result();
        GemmLayout g = GemmLayout.of(p, lhs.type().shape(), rhs.type().shape());
        ClExprs x = new ClExprs();
        String a = x.name(lhs) + "[aBatch + " + offset(g.lhsRows(), "m") + " + " + offset(g.lhsDepth(), "k") + "]";
        String b = x.name(rhs) + "[bBatch + " + offset(g.rhsDepth(), "k") + " + " + offset(g.rhsCols(), "n") + "]";
        String store = x.name(out) + "[(batch * " + g.m() + " + m) * " + g.n() + " + n] = VALUE;";
        String batchOffsets = "const int aBatch = " + offset(g.lhsBatch(), "batch") + ", bBatch = " + offset(g.rhsBatch(), "batch") + ";";
        return gemm(lib, scope, x, out.dtype(), g.batch(), g.m(), g.n(), g.k(), new Access(a, b, store, ""), batchOffsets);
    }

    static ClKernel conv(LibraryKernel lib, ConvGeneralDilated c, ClScope scope) {
        BufferRef lhs = lib.operands().get(0), rhs = lib.operands().get(1), out = lib.result();
        ConvGeometry g = ConvGeometry.of(c, lhs.type().shape(), rhs.type().shape(), out.type().shape());
        ClExprs x = new ClExprs();
        String fn = scope.function(lib.name()) + "_im2col";
        String a = x.name(rhs) + "[(batch * " + g.perGroup() + " + m) * " + g.depth() + " + k]";
        String b = fn + "(" + x.name(lhs) + ", batch, k, n)";
        int os = g.outSpatial();
        String store = x.name(out) + "[((n / " + os + ") * " + g.features() + " + batch * " + g.perGroup() + " + m) * " + os
                + " + n % " + os + "] = VALUE;";
        return gemm(lib, scope, x, out.dtype(), g.groups(), g.perGroup(), g.columns(), g.depth(),
                new Access(a, b, store, im2col(fn, g, lhs.dtype())), "");
    }

    /** The input pixel that column {@code col} of the im2col matrix reads at depth {@code kk}, or 0 on padding. */
    private static String im2col(String fn, ConvGeometry g, DType dt) {
        String t = ClTypes.scalar(dt);
        CWriter w = new CWriter();
        w.open("inline " + t + " " + fn + "(__global const " + t + "* x, int g, int kk, int col)");
        w.line("int i = kk / " + g.taps() + ", tap = kk % " + g.taps() + ", img = col / " + g.outSpatial() + ", s = col % " + g.outSpatial() + ";");
        w.line("int pixel = 0;");
        int inStride = 1;
        for (int d = g.spatialRank() - 1; d >= 0; d--) {
            w.open("");
            w.line("int t = tap % " + g.kernelDims()[d] + ", o = s % " + g.outDims()[d] + ";");
            w.line("tap /= " + g.kernelDims()[d] + "; s /= " + g.outDims()[d] + ";");
            w.line("int p = o * " + g.strides()[d] + " + t * " + g.rhsDilation()[d] + " - " + g.padLow()[d] + ";");
            int dil = g.lhsDilation()[d];
            w.line("if (p < 0 || p >= " + g.dilatedExtent(d) + (dil > 1 ? " || p % " + dil + " != 0" : "") + ") return (" + t + ")0;");
            w.line("pixel += " + (dil > 1 ? "(p / " + dil + ")" : "p") + " * " + inStride + ";");
            w.close();
            inStride *= g.inDims()[d];
        }
        w.line("return x[((g * " + g.batchStride() + " + img) * " + g.channels() + " + g * " + g.channelStride() + " + i) * "
                + g.inSpatial() + " + pixel];");
        w.close();
        return w.toString();
    }

    private static ClKernel gemm(LibraryKernel lib, ClScope scope, ClExprs x, DType dt, int batch, int m, int n, int k,
                                 Access access, String batchOffsets) {
        String fn = scope.function(lib.name());
        DeviceMemory mem = scope.memory();
        String t = ClTypes.scalar(dt);
        List<BufferRef> buffers = List.of(lib.operands().get(0), lib.operands().get(1), lib.result());
        List<DeviceMemory.Block> blocks = mem.blocks(buffers);
        CWriter w = new CWriter();
        w.line("// " + lib.name() + ": batched GEMM [" + batch + "] " + m + "x" + k + " * " + k + "x" + n + " tiled " + TILE + "x" + TILE);
        w.raw(access.helpers());
        ClSignature.open(w, fn, blocks, false, "__attribute__((reqd_work_group_size(" + SIDE + ", " + SIDE + ", 1))) ");
        ClSignature.declare(w, x, mem, buffers);
        w.line("__local " + t + " As[" + DEPTH + "][" + (TILE + 1) + "];");
        w.line("__local " + t + " Bs[" + DEPTH + "][" + (TILE + 1) + "];");
        w.line("const int tx = get_local_id(0), ty = get_local_id(1), tid = ty * " + SIDE + " + tx;");
        w.line("const int n0 = get_group_id(0) * " + TILE + ", m0 = get_group_id(1) * " + TILE + ";");
        w.open("for (int batch = get_group_id(2); batch < " + batch + "; batch += get_num_groups(2))");
        if (!batchOffsets.isEmpty()) {
            w.line(batchOffsets);
        }
        w.line(t + " c00 = 0, c01 = 0, c10 = 0, c11 = 0;");
        w.open("for (int k0 = 0; k0 < " + k + "; k0 += " + DEPTH + ")");
        w.open("for (int e = tid; e < " + TILE * DEPTH + "; e += " + SIDE * SIDE + ")");
        w.open("");
        w.line("const int m = m0 + e / " + DEPTH + ", k = k0 + e % " + DEPTH + ";");
        w.line("As[e % " + DEPTH + "][e / " + DEPTH + "] = (m < " + m + " && k < " + k + ") ? " + access.loadA() + " : (" + t + ")0;");
        w.close().open("");
        w.line("const int k = k0 + e / " + TILE + ", n = n0 + e % " + TILE + ";");
        w.line("Bs[e / " + TILE + "][e % " + TILE + "] = (k < " + k + " && n < " + n + ") ? " + access.loadB() + " : (" + t + ")0;");
        w.close();
        w.close();
        w.line("barrier(CLK_LOCAL_MEM_FENCE);");
        w.open("for (int kk = 0; kk < " + DEPTH + "; kk++)");
        w.line("const " + t + " a0 = As[kk][ty], a1 = As[kk][ty + " + SIDE + "], b0 = Bs[kk][tx], b1 = Bs[kk][tx + " + SIDE + "];");
        w.line("c00 = " + mad(dt, "a0", "b0", "c00") + "; c01 = " + mad(dt, "a0", "b1", "c01") + ";");
        w.line("c10 = " + mad(dt, "a1", "b0", "c10") + "; c11 = " + mad(dt, "a1", "b1", "c11") + ";");
        w.close();
        w.line("barrier(CLK_LOCAL_MEM_FENCE);");
        w.close();
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                w.open("");
                w.line("const int m = m0 + ty + " + i * SIDE + ", n = n0 + tx + " + j * SIDE + ";");
                w.line("if (m < " + m + " && n < " + n + ") " + access.store().replace("VALUE", "c" + i + j));
                w.close();
            }
        }
        w.close();
        w.close();
        long[] global = {(long) ceil(n, TILE) * SIDE, (long) ceil(m, TILE) * SIDE, Math.min(batch, MAX_BATCH_GROUPS)};
        return new ClKernel(w.toString(), new ClLaunch(fn, global, new long[]{SIDE, SIDE, 1}, blocks, false));
    }

    private static String mad(DType dt, String a, String b, String c) {
        return dt == DType.I32 ? "(int)((uint)" + c + " + (uint)" + a + " * (uint)" + b + ")" : c + " + " + a + " * " + b;
    }

    /** A {@link StridedIndex} of variable {@code v} as a C expression. */
    static String offset(StridedIndex s, String v) {
        if (s.terms().isEmpty()) {
            return "0";
        }
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < s.terms().size(); j++) {
            StridedIndex.Term t = s.terms().get(j);
            String q = t.divisor() == 1 ? v : "(" + v + " / " + t.divisor() + ")";
            String r = s.needsRemainder(j) ? "(" + q + " % " + t.size() + ")" : q;
            sb.append(j > 0 ? " + " : "").append(t.stride() == 1 ? r : r + " * " + t.stride());
        }
        return "(" + sb + ")";
    }

    private static int ceil(int a, int b) {
        return (a + b - 1) / b;
    }
}
