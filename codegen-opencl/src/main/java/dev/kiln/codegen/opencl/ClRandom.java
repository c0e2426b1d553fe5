package dev.kiln.codegen.opencl;

import dev.kiln.ir.device.DeviceMemory;
import dev.kiln.ir.kernel.BufferRef;
import dev.kiln.ir.kernel.LibraryKernel;
import dev.kiln.ir.prim.RandomSplit;
import dev.kiln.ir.random.Threefry;
import java.util.List;

/** random_bits and random_split: one work-item per Threefry block (per new key), Threefry-2x32 from the prelude. */
final class ClRandom {
    private ClRandom() {
    }

    static ClKernel bits(LibraryKernel lib, ClScope scope) {
        BufferRef keys = lib.operands().getFirst(), out = lib.result();
        int nKeys = keys.size() / 2;
        int perKey = nKeys == 0 ? 0 : out.size() / nKeys;
        int blocks = Threefry.blocks(perKey);
        ClExprs x = new ClExprs();
        String o = x.name(out), k = x.name(keys);
        // One work-item per block: words j and m + j of its key's draw (Threefry.bits' layout).
        return ClGrid.kernel(lib, scope, x, List.of(keys, out), (long) nKeys * blocks, false, "threefry random bits", w -> {
            w.line("const int key = e / " + blocks + ", j = e % " + blocks + ", hi = " + blocks + " + j;");
            w.line("const uint2 r = kiln_threefry((uint)" + k + "[2 * key], (uint)" + k + "[2 * key + 1], (uint)j, hi < " + perKey + " ? (uint)hi : 0u);");
            w.line(o + "[key * " + perKey + " + j] = (int)r.x;");
            w.line("if (hi < " + perKey + ") " + o + "[key * " + perKey + " + hi] = (int)r.y;");
        });
    }

    static ClKernel split(LibraryKernel lib, RandomSplit p, ClScope scope) {
        BufferRef keys = lib.operands().getFirst(), out = lib.result();
        int count = p.count();
        ClExprs x = new ClExprs();
        return ClGrid.kernel(lib, scope, x, List.of(keys, out), (long) keys.size() / 2 * count, false, "threefry key split", w -> {
            w.line("const int key = e / " + count + ", j = e % " + count + ";");
            w.line("const uint2 r = kiln_threefry((uint)" + x.name(keys) + "[2 * key], (uint)" + x.name(keys) + "[2 * key + 1], (uint)j, 1u);");
            w.line(x.name(out) + "[2 * e] = (int)r.x;");
            w.line(x.name(out) + "[2 * e + 1] = (int)r.y;");
        });
    }
}
