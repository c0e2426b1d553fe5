package dev.kiln.codegen.ptx;

import static jcuda.driver.JCudaDriver.*;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.device.ResidentBuffers;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * The CUDA device Kiln runs PTX on, through JCuda's driver API: device 0's primary context,
 * modules loaded from PTX text ({@code cuModuleLoadData}: the driver compiles for the device),
 * kernels launched with {@code cuLaunchKernel} on the default stream. Probed once per process:
 * without JCuda's natives, a CUDA driver or a device, {@link #probe} says why in one line.
 * This is the only class that touches the GPU; everything else runs on the tests' emulator too.
 */
final class CudaDevice implements PtxDevice {
    private static final Object LOCK = new Object();
    private static volatile Object probed; // a CudaDevice, or the String reason there is none

    private final CUcontext context;
    private final String description;
    private final ResidentBuffers<Buffer> resident;

    private record CudaBuffer(CUdeviceptr ptr, long bytes) implements Buffer {
    }

    private record CudaModule(CUmodule module, java.util.Map<String, CUfunction> functions) implements Module {
    }

    private CudaDevice(CUdevice device, CUcontext context, String description) {
        this.context = context;
        this.description = description;
        long[] info = memoryInfo();
        this.resident = new ResidentBuffers<>(Math.min(2L << 30, info[1] / 4), this::free);
    }

    /** The device, or the one-line reason there is none. */
    static Object probe() {
        Object p = probed;
        if (p == null) {
            synchronized (LOCK) {
                if (probed == null) {
                    probed = find();
                }
                p = probed;
            }
        }
        return p;
    }

    static CudaDevice get() {
        Object p = probe();
        if (p instanceof CudaDevice d) {
            return d;
        }
        throw new KilnException("ptx", "no CUDA device: " + p, null, "run on a machine with an NVIDIA GPU and driver, or use another backend");
    }

    private static Object find() {
        try {
            JCudaDriver.setExceptionsEnabled(true);
            cuInit(0);
            int[] count = new int[1];
            cuDeviceGetCount(count);
            if (count[0] == 0) {
                return "no CUDA device";
            }
            CUdevice device = new CUdevice();
            cuDeviceGet(device, 0);
            CUcontext ctx = new CUcontext();
            cuDevicePrimaryCtxRetain(ctx, device);
            cuCtxSetCurrent(ctx);
            byte[] name = new byte[256];
            cuDeviceGetName(name, name.length, device);
            int[] major = new int[1], minor = new int[1];
            cuDeviceComputeCapability(major, minor, device);
            String n = new String(name, java.nio.charset.StandardCharsets.UTF_8).replace("\0", "").trim();
            if (major[0] < 8) {
                return n + " has compute capability " + major[0] + "." + minor[0] + "; Kiln's PTX targets sm_80 and newer";
            }
            return new CudaDevice(device, ctx, n + " (sm_" + major[0] + minor[0] + ")");
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            return "no CUDA driver (" + firstLine(e.getMessage()) + ")";
        } catch (CudaException e) {
            return "CUDA unavailable (" + firstLine(e.getMessage()) + ")";
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no message";
        }
        String l = s.lines().findFirst().orElse(s);
        return l.length() > 120 ? l.substring(0, 120) + "..." : l;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public long[] memoryInfo() {
        cuCtxSetCurrent(context);
        long[] free = new long[1], total = new long[1];
        cuMemGetInfo(free, total);
        return new long[]{free[0], total[0]};
    }

    @Override
    public Buffer allocate(long bytes) {
        cuCtxSetCurrent(context);
        CUdeviceptr p = new CUdeviceptr();
        try {
            cuMemAlloc(p, Math.max(bytes, 16));
        } catch (CudaException e) {
            if (e.getMessage() != null && e.getMessage().contains(CUresult.stringFor(CUresult.CUDA_ERROR_OUT_OF_MEMORY))) {
                throw new OutOfMemory(e.getMessage());
            }
            throw e;
        }
        return new CudaBuffer(p, bytes);
    }

    @Override
    public void free(Buffer b) {
        cuCtxSetCurrent(context);
        cuMemFree(((CudaBuffer) b).ptr());
    }

    @Override
    public void upload(Buffer b, ArrayData a) {
        if (a.size() > 0) {
            cuCtxSetCurrent(context);
            cuMemcpyHtoD(((CudaBuffer) b).ptr(), host(a), (long) a.size() * PtxType.bytes(a.dtype()));
        }
    }

    @Override
    public void download(Buffer b, ArrayData into) {
        if (into.size() == 0) {
            return;
        }
        cuCtxSetCurrent(context);
        long n = (long) into.size() * PtxType.bytes(into.dtype());
        CUdeviceptr p = ((CudaBuffer) b).ptr();
        switch (into.dtype()) {
            case F32 -> cuMemcpyDtoH(Pointer.to(into.floatStorage()), p, n);
            case F64 -> cuMemcpyDtoH(Pointer.to(into.doubleStorage()), p, n);
            case I32 -> cuMemcpyDtoH(Pointer.to(into.intStorage()), p, n);
            case BOOL -> {
                byte[] bytes = new byte[into.size()];
                cuMemcpyDtoH(Pointer.to(bytes), p, n);
                boolean[] out = into.boolStorage();
                for (int i = 0; i < bytes.length; i++) {
                    out[i] = bytes[i] != 0;
                }
            }
        }
    }

    private static Pointer host(ArrayData a) {
        return switch (a.dtype()) {
            case F32 -> Pointer.to(a.floatStorage());
            case F64 -> Pointer.to(a.doubleStorage());
            case I32 -> Pointer.to(a.intStorage());
            case BOOL -> {
                boolean[] v = a.boolStorage();
                byte[] bytes = new byte[v.length];
                for (int i = 0; i < v.length; i++) {
                    bytes[i] = (byte) (v[i] ? 1 : 0);
                }
                yield Pointer.to(bytes);
            }
        };
    }

    @Override
    public void zero(Buffer b, int words) {
        cuCtxSetCurrent(context);
        cuMemsetD32(((CudaBuffer) b).ptr(), 0, words);
    }

    @Override
    public int[] readWords(Buffer b, int words) {
        cuCtxSetCurrent(context);
        int[] out = new int[words];
        cuMemcpyDtoH(Pointer.to(out), ((CudaBuffer) b).ptr(), 4L * words);
        return out;
    }

    @Override
    public Module load(PtxModule module) {
        cuCtxSetCurrent(context);
        CUmodule m = new CUmodule();
        try {
            cuModuleLoadData(m, module.text());
        } catch (CudaException e) {
            throw new KilnException("ptx", "the driver rejected the PTX module (" + e.getMessage() + ")", null,
                    "this is a Kiln code generator bug; set KILN_DUMP=dir to see the module");
        }
        java.util.Map<String, CUfunction> fs = new java.util.HashMap<>();
        for (PtxLaunch l : module.launches()) {
            fs.computeIfAbsent(l.kernel(), name -> {
                CUfunction f = new CUfunction();
                cuModuleGetFunction(f, m, name);
                return f;
            });
        }
        return new CudaModule(m, fs);
    }

    @Override
    public void launch(Module m, PtxLaunch l, Buffer[] args) {
        Pointer[] ps = new Pointer[args.length];
        for (int i = 0; i < args.length; i++) {
            ps[i] = Pointer.to(((CudaBuffer) args[i]).ptr());
        }
        cuCtxSetCurrent(context);
        CUfunction f = ((CudaModule) m).functions().get(l.kernel());
        cuLaunchKernel(f, l.grid()[0], l.grid()[1], l.grid()[2], l.block()[0], l.block()[1], l.block()[2],
                0, null, Pointer.to(ps), null);
    }

    @Override
    public void synchronize() {
        cuCtxSetCurrent(context);
        cuCtxSynchronize();
    }

    @Override
    public ResidentBuffers<Buffer> resident() {
        return resident;
    }
}
