package dev.kiln.codegen.ptx;

import dev.kiln.ir.device.DeviceMemory;
import dev.kiln.ir.kernel.BufferRef;
import dev.kiln.ir.kernel.LibraryKernel;
import dev.kiln.ir.prim.RandomSplit;
import dev.kiln.ir.random.Threefry;
import java.util.List;

/** random_bits and random_split: one thread per Threefry block (per new key), Threefry-2x32 unrolled. */
final class PtxRandom {
    private static final int[] ROTATIONS = {13, 15, 26, 6, 17, 29, 16, 24};

    private PtxRandom() {
    }

    static PtxRendered bits(LibraryKernel lib, String name, DeviceMemory mem) {
        BufferRef keys = lib.operands().getFirst(), out = lib.result();
        int nKeys = keys.size() / 2;
        int perKey = nKeys == 0 ? 0 : out.size() / nKeys;
        int blocks = Threefry.blocks(perKey);
        // One thread per block: words j and m + j of its key's draw (Threefry.bits' layout).
        return PtxGrid.kernel(name, mem, List.of(keys, out), (long) nKeys * blocks, false, lib.name() + ": threefry random bits", (k, e) -> {
            PtxBuilder b = k.b;
            Reg key = b.bin(PtxType.B32, "div.s32", e, blocks), j = b.bin(PtxType.B32, "rem.s32", e, blocks);
            Reg hi = b.addInt(j, blocks);
            Reg both = b.setp("lt.s32", hi, perKey);
            Reg c1 = b.selp(PtxType.B32, hi, 0, both);
            Reg[] x = threefry(b, k.load(keys, b.mulInt(key, 2)), k.load(keys, b.tern(PtxType.B32, "mad.lo.s32", key, 2, 1)), j, c1);
            Reg first = b.tern(PtxType.B32, "mad.lo.s32", key, perKey, j);
            k.store(out, first, x[0]);
            b.when(both, () -> k.store(out, b.addInt(first, blocks), x[1]));
        });
    }

    static PtxRendered split(LibraryKernel lib, RandomSplit p, String name, DeviceMemory mem) {
        BufferRef keys = lib.operands().getFirst(), out = lib.result();
        int count = p.count();
        return PtxGrid.kernel(name, mem, List.of(keys, out), (long) keys.size() / 2 * count, false, lib.name() + ": threefry key split", (k, e) -> {
            PtxBuilder b = k.b;
            Reg key = b.bin(PtxType.B32, "div.s32", e, count), j = b.bin(PtxType.B32, "rem.s32", e, count);
            Reg[] x = threefry(b, k.load(keys, b.mulInt(key, 2)), k.load(keys, b.tern(PtxType.B32, "mad.lo.s32", key, 2, 1)), j, b.mov(PtxType.B32, "1"));
            k.store(out, b.mulInt(e, 2), x[0]);
            k.store(out, b.tern(PtxType.B32, "mad.lo.s32", e, 2, 1), x[1]);
        });
    }

    /** Threefry-2x32 with 20 rounds, bit for bit {@code dev.kiln.ir.random.Threefry.block}. */
    static Reg[] threefry(PtxBuilder b, Reg k0, Reg k1, Reg c0, Reg c1) {
        Reg k2 = b.bin(PtxType.B32, "xor.b32", b.bin(PtxType.B32, "xor.b32", k0, k1), "0x1BD11BDA");
        Reg[] ks = {k0, k1, k2};
        Reg x0 = b.addInt(c0, k0), x1 = b.addInt(c1, k1);
        for (int g = 0; g < 5; g++) {
            for (int r = 0; r < 4; r++) {
                int rot = ROTATIONS[(g & 1) * 4 + r];
                x0 = b.addInt(x0, x1);
                Reg rotated = b.bin(PtxType.B32, "or.b32", b.bin(PtxType.B32, "shl.b32", x1, rot), b.bin(PtxType.B32, "shr.u32", x1, 32 - rot));
                x1 = b.bin(PtxType.B32, "xor.b32", rotated, x0);
            }
            x0 = b.addInt(x0, ks[(g + 1) % 3]);
            x1 = b.addInt(x1, b.addInt(ks[(g + 2) % 3], g + 1));
        }
        return new Reg[]{x0, x1};
    }
}
