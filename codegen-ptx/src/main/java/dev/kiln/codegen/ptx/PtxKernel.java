package dev.kiln.codegen.ptx;

import dev.kiln.ir.DType;
import dev.kiln.ir.device.DeviceMemory;
import dev.kiln.ir.kernel.BufferRef;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * One PTX kernel being built: its parameters (one global pointer per device allocation it
 * touches, then the error flag when it checks indices), the base address of every buffer it uses
 * (computed once at entry: allocation plus the buffer's constant offset), typed loads and stores
 * of buffer elements, thread and block indices, and the shared-memory arrays it declares.
 */
final class PtxKernel {
    static final String ERROR_FLAG = "kiln_err";

    final String name;
    final PtxBuilder b;
    private final List<DeviceMemory.Block> blocks;
    private final boolean errorFlag;
    private final Map<BufferRef, Reg> bases = new LinkedHashMap<>();
    private final List<String> shared = new ArrayList<>();
    private Reg errorBase;

    PtxKernel(String name, DeviceMemory memory, Collection<BufferRef> buffers, boolean errorFlag) {
        this.name = name;
        this.b = new PtxBuilder(name);
        Collection<BufferRef> distinct = new LinkedHashSet<>(buffers);
        this.blocks = memory.blocks(distinct);
        this.errorFlag = errorFlag;
        Map<DeviceMemory.Block, Reg> blockBase = new LinkedHashMap<>();
        for (DeviceMemory.Block blk : blocks) {
            Reg raw = b.reg(PtxType.B64);
            b.op("ld.param.u64 " + raw + ", [" + paramName(blk) + "]");
            blockBase.put(blk, b.un(PtxType.B64, "cvta.to.global.u64", raw));
        }
        if (errorFlag) {
            Reg raw = b.reg(PtxType.B64);
            b.op("ld.param.u64 " + raw + ", [" + ERROR_FLAG + "]");
            errorBase = b.un(PtxType.B64, "cvta.to.global.u64", raw);
        }
        for (BufferRef buf : distinct) {
            DeviceMemory.Location at = memory.locate(buf);
            Reg base = blockBase.get(at.block());
            long offset = (long) at.offset() * PtxType.bytes(buf.dtype());
            bases.put(buf, offset == 0 ? base : b.bin(PtxType.B64, "add.s64", base, offset));
        }
    }

    List<DeviceMemory.Block> blocks() {
        return blocks;
    }

    boolean hasErrorFlag() {
        return errorFlag;
    }

    static String paramName(DeviceMemory.Block blk) {
        return switch (blk) {
            case DeviceMemory.Arena a -> "arena_" + a.dtype().shortName();
            case DeviceMemory.Input i -> "in" + i.index();
            case DeviceMemory.Constant c -> "const" + c.index();
            case DeviceMemory.Output o -> "out" + o.index();
        };
    }

    // ---- memory ----

    /** The address of element {@code index} (an s32 register or immediate) of {@code buf}. */
    Reg address(BufferRef buf, Object index) {
        Reg base = bases.get(buf);
        if (base == null) {
            throw new IllegalStateException(name + " does not declare buffer " + buf);
        }
        Reg off = b.bin(PtxType.B64, "mul.wide.s32", b.asReg(PtxType.B32, index), PtxType.bytes(buf.dtype()));
        return b.bin(PtxType.B64, "add.s64", base, off);
    }

    /** Element {@code index} of {@code buf} in a register of its dtype (bool as a predicate). */
    Reg load(BufferRef buf, Object index) {
        Reg a = address(buf, index);
        DType d = buf.dtype();
        if (d == DType.BOOL) {
            Reg byteValue = b.reg(PtxType.B32);
            b.op("ld.global.u8 " + byteValue + ", [" + a + "]");
            return b.setp("ne.s32", byteValue, 0);
        }
        Reg v = b.reg(PtxType.of(d));
        b.op("ld.global." + PtxType.memory(d) + " " + v + ", [" + a + "]");
        return v;
    }

    void store(BufferRef buf, Object index, Reg value) {
        Reg a = address(buf, index);
        DType d = buf.dtype();
        if (d == DType.BOOL) {
            Reg byteValue = b.selp(PtxType.B32, 1, 0, value);
            b.op("st.global.u8 [" + a + "], " + byteValue);
            return;
        }
        b.op("st.global." + PtxType.memory(d) + " [" + a + "], " + value);
    }

    /** Records an out-of-range index once per program run: launch id, index, position (first writer wins). */
    void raiseError(int launchId, Reg index, Reg position) {
        Reg old = b.reg(PtxType.B32);
        b.op("atom.global.cas.b32 " + old + ", [" + errorBase + "], 0, " + launchId);
        Reg first = b.setp("eq.s32", old, 0);
        b.when(first, () -> {
            b.op("st.global.s32 [" + errorBase + "+4], " + index);
            b.op("st.global.s32 [" + errorBase + "+8], " + position);
        });
    }

    // ---- threads ----

    Reg special(String sreg) {
        Reg r = b.reg(PtxType.B32);
        b.op("mov.u32 " + r + ", " + sreg);
        return r;
    }

    /** The global thread index {@code ctaid.x * ntid.x + tid.x}. */
    Reg globalId() {
        Reg cta = special("%ctaid.x"), ntid = special("%ntid.x"), tid = special("%tid.x");
        return b.tern(PtxType.B32, "mad.lo.s32", cta, ntid, tid);
    }

    /** The number of threads in the grid {@code nctaid.x * ntid.x}. */
    Reg globalSize() {
        return b.mulInt(special("%nctaid.x"), special("%ntid.x"));
    }

    // ---- shared memory ----

    /** Declares {@code .shared} array {@code name} of {@code count} elements; returns its symbol. */
    String sharedArray(String hint, PtxType t, int count) {
        String sym = name + "_" + hint;
        int bytes = t == PtxType.F64 || t == PtxType.B64 ? 8 : 4;
        String type = t == PtxType.PRED ? "b32" : t == PtxType.B32 ? "b32" : t.decl;
        shared.add(".shared .align " + bytes + " ." + type + " " + sym + "[" + count + "];");
        return sym;
    }

    /** The shared-memory address of element {@code index} of array {@code sym} (4 or 8 byte elements). */
    Reg sharedAddress(String sym, Object index, int elementBytes) {
        Reg base = b.reg(PtxType.B32);
        b.op("mov.u32 " + base + ", " + sym);
        return b.tern(PtxType.B32, "mad.lo.s32", b.asReg(PtxType.B32, index), elementBytes, base);
    }

    List<String> sharedDeclarations() {
        return shared;
    }

    // ---- text ----

    String text() {
        StringBuilder sb = new StringBuilder();
        sb.append(".visible .entry ").append(name).append("(\n");
        List<String> params = new ArrayList<>();
        for (DeviceMemory.Block blk : blocks) {
            params.add("\t.param .u64 " + paramName(blk));
        }
        if (errorFlag) {
            params.add("\t.param .u64 " + ERROR_FLAG);
        }
        sb.append(String.join(",\n", params)).append("\n)\n{\n");
        for (String d : b.declarations()) {
            sb.append(d).append('\n');
        }
        sb.append('\n');
        for (String l : b.lines()) {
            sb.append(l).append('\n');
        }
        sb.append("\tret;\n}\n");
        return sb.toString();
    }
}
