package dev.kiln.codegen.ptx;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.device.ResidentBuffers;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * A {@link PtxDevice} backed by {@link PtxEmulator}: what {@link PtxExecutable} runs on in the tests.
 * Every module it loads is first assembled by the NVPTX compiler and ptxas ({@link Assemblers}),
 * so a test that runs PTX also checks that a GPU would accept it.
 */
class EmulatedDevice implements PtxDevice {
    private final PtxEmulator.Memory memory = new PtxEmulator.Memory();
    private final Map<String, PtxEmulator> modules = new HashMap<>();
    private final ResidentBuffers<Buffer> resident = new ResidentBuffers<>(1L << 28, this::free);
    long uploads;
    long launches;
    long instructions;

    private record EmuBuffer(long address, long bytes) implements Buffer {
    }

    private record EmuModule(PtxEmulator emulator) implements Module {
    }

    @Override
    public String description() {
        return "the PTX emulator";
    }

    @Override
    public long[] memoryInfo() {
        return new long[]{1L << 32, 1L << 32};
    }

    @Override
    public Buffer allocate(long bytes) {
        return new EmuBuffer(memory.allocate(bytes), bytes);
    }

    @Override
    public void free(Buffer b) {
        memory.free(((EmuBuffer) b).address());
    }

    private ByteBuffer bytes(Buffer b) {
        return memory.buffer(((EmuBuffer) b).address());
    }

    @Override
    public void upload(Buffer b, ArrayData a) {
        uploads++;
        ByteBuffer buf = bytes(b);
        for (int i = 0; i < a.size(); i++) {
            switch (a.dtype()) {
                case F32 -> buf.putFloat(4 * i, a.floatStorage()[i]);
                case F64 -> buf.putDouble(8 * i, a.doubleStorage()[i]);
                case I32 -> buf.putInt(4 * i, a.intStorage()[i]);
                case BOOL -> buf.put(i, (byte) (a.boolStorage()[i] ? 1 : 0));
            }
        }
    }

    @Override
    public void download(Buffer b, ArrayData into) {
        ByteBuffer buf = bytes(b);
        for (int i = 0; i < into.size(); i++) {
            switch (into.dtype()) {
                case F32 -> into.floatStorage()[i] = buf.getFloat(4 * i);
                case F64 -> into.doubleStorage()[i] = buf.getDouble(8 * i);
                case I32 -> into.intStorage()[i] = buf.getInt(4 * i);
                case BOOL -> into.boolStorage()[i] = buf.get(i) != 0;
            }
        }
    }

    @Override
    public void zero(Buffer b, int words) {
        ByteBuffer buf = bytes(b);
        for (int i = 0; i < words; i++) {
            buf.putInt(4 * i, 0);
        }
    }

    @Override
    public int[] readWords(Buffer b, int words) {
        ByteBuffer buf = bytes(b);
        int[] out = new int[words];
        for (int i = 0; i < words; i++) {
            out[i] = buf.getInt(4 * i);
        }
        return out;
    }

    @Override
    public Module load(PtxModule module) {
        return new EmuModule(modules.computeIfAbsent(module.text(), text -> {
            Assemblers.check(text);
            return new PtxEmulator(text);
        }));
    }

    @Override
    public void launch(Module m, PtxLaunch l, Buffer[] args) {
        long[] addresses = new long[args.length];
        for (int i = 0; i < args.length; i++) {
            addresses[i] = ((EmuBuffer) args[i]).address();
        }
        PtxEmulator e = ((EmuModule) m).emulator();
        long before = e.executed;
        e.launch(l.kernel(), l.grid(), l.block(), addresses, memory);
        instructions += e.executed - before;
        launches++;
    }

    @Override
    public void synchronize() {
    }

    @Override
    public ResidentBuffers<Buffer> resident() {
        return resident;
    }
}
