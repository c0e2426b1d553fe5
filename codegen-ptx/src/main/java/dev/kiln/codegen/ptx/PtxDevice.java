package dev.kiln.codegen.ptx;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.device.ResidentBuffers;

/**
 * The few things {@link PtxExecutable} needs from a device that runs PTX: memory, copies, module
 * loading and launches. {@link CudaDevice} implements it with JCuda's driver API; the tests
 * implement it with a PTX emulator, so everything above this interface runs on machines without a GPU.
 * Callers hold the device's lock.
 */
interface PtxDevice {

    /** A device allocation. */
    interface Buffer {
        long bytes();
    }

    /** Thrown by {@link #allocate} when the device has not enough free memory. */
    final class OutOfMemory extends RuntimeException {
        OutOfMemory(String message) {
            super(message);
        }
    }

    /** A loaded module. */
    interface Module {
    }

    /** One line saying which device this is. */
    String description();

    /** Free and total device memory in bytes (free may be an estimate). */
    long[] memoryInfo();

    /** An uninitialised allocation of {@code bytes} (at least one word). */
    Buffer allocate(long bytes);

    void free(Buffer b);

    void upload(Buffer b, ArrayData a);

    /** Reads {@code into.size()} elements from the start of {@code b} into {@code into}'s storage. */
    void download(Buffer b, ArrayData into);

    /** Sets the first {@code words} 32-bit words of {@code b} to zero. */
    void zero(Buffer b, int words);

    /** Reads the first {@code words} 32-bit words of {@code b}. */
    int[] readWords(Buffer b, int words);

    Module load(PtxModule module);

    /** Launches {@code l} of a loaded module with {@code args} (one per parameter). */
    void launch(Module m, PtxLaunch l, Buffer[] args);

    /** Waits for the launches to finish. */
    void synchronize();

    /** The device copies of host arrays. */
    ResidentBuffers<Buffer> resident();
}
