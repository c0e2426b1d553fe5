package dev.kiln.codegen.opencl;

import static org.jocl.CL.*;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.device.ResidentBuffers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_mem;
import org.jocl.cl_platform_id;
import org.jocl.cl_program;

/**
 * The OpenCL device Kiln runs on: the first GPU of any platform, else the first device of any
 * kind (PoCL's CPU device on a machine without a GPU). Found once per process; when there is no
 * OpenCL library, platform or device, {@link #probe} says why in one line. Holds the context, one
 * in-order queue, the built programs (cached by source) and the device copies of host arrays.
 * Every use of the queue happens under this object's lock.
 */
final class OpenClDevice {
    private static final Object PROBE_LOCK = new Object();
    private static volatile Object probed; // an OpenClDevice, or the String reason why there is none

    final cl_context context;
    final cl_command_queue queue;
    final cl_device_id device;
    final String description;
    final boolean fp64;
    final long globalMemory;
    final long maxAllocation;
    final ResidentBuffers<cl_mem> resident;
    private final Map<String, cl_program> programs = new HashMap<>();

    private OpenClDevice(cl_platform_id platform, cl_device_id device) {
        this.device = device;
        cl_context_properties props = new cl_context_properties();
        props.addProperty(CL_CONTEXT_PLATFORM, platform);
        this.context = clCreateContext(props, 1, new cl_device_id[]{device}, null, null, null);
        @SuppressWarnings("deprecation")
        cl_command_queue q = clCreateCommandQueue(context, device, 0, null);
        this.queue = q;
        String extensions = deviceString(device, CL_DEVICE_EXTENSIONS);
        this.fp64 = extensions.contains("cl_khr_fp64");
        this.globalMemory = deviceLong(device, CL_DEVICE_GLOBAL_MEM_SIZE);
        this.maxAllocation = deviceLong(device, CL_DEVICE_MAX_MEM_ALLOC_SIZE);
        this.description = deviceString(device, CL_DEVICE_NAME).trim() + " (" + platformString(platform, CL_PLATFORM_NAME).trim()
                + ", " + deviceString(device, CL_DEVICE_VERSION).trim() + (fp64 ? ", fp64" : ", no fp64") + ", "
                + globalMemory / (1 << 20) + " MiB)";
        this.resident = new ResidentBuffers<>(Math.min(1L << 30, globalMemory / 4), CL::clReleaseMemObject);
    }

    /** The device, or a {@link KilnException} saying why there is none. */
    static OpenClDevice get() {
        Object p = probe();
        if (p instanceof OpenClDevice d) {
            return d;
        }
        throw new KilnException("opencl", "no OpenCL device: " + p, null,
                "install an OpenCL driver (on Debian: apt-get install pocl-opencl-icd ocl-icd-opencl-dev) or use another backend");
    }

    /** The device, or the one-line reason there is none. Probed once. */
    static Object probe() {
        Object p = probed;
        if (p == null) {
            synchronized (PROBE_LOCK) {
                if (probed == null) {
                    probed = find();
                }
                p = probed;
            }
        }
        return p;
    }

    private static Object find() {
        try {
            CL.setExceptionsEnabled(true);
            int[] n = new int[1];
            try {
                clGetPlatformIDs(0, null, n);
            } catch (CLException e) {
                return "no OpenCL platform (" + e.getMessage() + ")";
            }
            if (n[0] == 0) {
                return "no OpenCL platform installed";
            }
            cl_platform_id[] platforms = new cl_platform_id[n[0]];
            clGetPlatformIDs(n[0], platforms, null);
            for (long type : new long[]{CL_DEVICE_TYPE_GPU, CL_DEVICE_TYPE_ACCELERATOR, CL_DEVICE_TYPE_ALL}) {
                for (cl_platform_id p : platforms) {
                    cl_device_id d = firstDevice(p, type);
                    if (d != null) {
                        return new OpenClDevice(p, d);
                    }
                }
            }
            return "OpenCL platforms found but no device";
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            String m = String.valueOf(e.getMessage());
            return "cannot load the OpenCL library (" + (m.length() > 160 ? m.substring(0, 160) + "..." : m) + ")";
        } catch (CLException e) {
            return "OpenCL error while probing: " + e.getMessage();
        }
    }

    private static cl_device_id firstDevice(cl_platform_id p, long type) {
        int[] n = new int[1];
        try {
            clGetDeviceIDs(p, type, 0, null, n);
        } catch (CLException e) {
            return null; // CL_DEVICE_NOT_FOUND
        }
        if (n[0] == 0) {
            return null;
        }
        cl_device_id[] ds = new cl_device_id[n[0]];
        clGetDeviceIDs(p, type, n[0], ds, null);
        return ds[0];
    }

    // ---- programs ----

    /** The built program of {@code source}, built once per process; a build error shows the offending lines. */
    synchronized cl_program program(String source, String label) {
        String key = buildOptions() + "\n" + source;
        cl_program p = programs.get(key);
        if (p != null) {
            return p;
        }
        p = clCreateProgramWithSource(context, 1, new String[]{source}, null, null);
        try {
            clBuildProgram(p, 1, new cl_device_id[]{device}, "-cl-std=CL1.2 " + buildOptions(), null, null);
        } catch (CLException e) {
            String log = buildLog(p);
            clReleaseProgram(p);
            throw new KilnException("opencl", "the OpenCL C of " + label + " does not build on " + description + ":\n"
                    + withSourceLines(log, source), null, "this is a Kiln code generator bug; set KILN_DUMP=dir to see the whole program");
        }
        programs.put(key, p);
        return p;
    }

    /**
     * Extra OpenCL build options from {@code -Dkiln.opencl.options} or {@code KILN_OPENCL_OPTIONS}
     * (e.g. {@code -cl-opt-disable}, which makes PoCL compile several times faster).
     */
    static String buildOptions() {
        String o = System.getProperty("kiln.opencl.options");
        if (o == null) {
            o = System.getenv("KILN_OPENCL_OPTIONS");
        }
        return o == null ? "" : o;
    }

    private String buildLog(cl_program p) {
        long[] size = new long[1];
        clGetProgramBuildInfo(p, device, CL_PROGRAM_BUILD_LOG, 0, null, size);
        byte[] buf = new byte[(int) size[0]];
        clGetProgramBuildInfo(p, device, CL_PROGRAM_BUILD_LOG, buf.length, Pointer.to(buf), null);
        return new String(buf, StandardCharsets.UTF_8).replace("\0", "").trim();
    }

    /** Clang's {@code file:12:5: error: msg} and PoCL's {@code error: file:12:5: msg}. */
    private static final Pattern ERROR_LINE = Pattern.compile("(?:(?:fatal )?error: \\S*?:(\\d+):(\\d+): (.*))|(?::(\\d+):(\\d+): (?:fatal )?error: (.*))");

    /** The build log's errors, each followed by the source line it points at. */
    static String withSourceLines(String log, String source) {
        String[] lines = source.split("\n", -1);
        List<String> out = new ArrayList<>();
        for (String l : log.split("\n")) {
            Matcher m = ERROR_LINE.matcher(l);
            if (m.find()) {
                boolean pocl = m.group(1) != null;
                int line = Integer.parseInt(pocl ? m.group(1) : m.group(4));
                out.add("  line " + line + ": error: " + (pocl ? m.group(3) : m.group(6)));
                if (line >= 1 && line <= lines.length) {
                    out.add("    " + lines[line - 1].trim());
                }
            }
        }
        if (out.isEmpty()) {
            out.add(log.lines().limit(20).reduce((a, b) -> a + "\n" + b).orElse("(empty build log)"));
        }
        return String.join("\n", out);
    }

    // ---- memory ----

    /** A device buffer of {@code bytes} (at least one word: OpenCL has no empty buffers). */
    cl_mem allocate(long bytes) {
        return clCreateBuffer(context, CL_MEM_READ_WRITE, Math.max(bytes, 16), null, null);
    }

    /** Host-to-device copies made so far (tests check that resident arrays are not copied again). */
    long uploads;

    void upload(cl_mem m, ArrayData a) {
        uploads++;
        Pointer p = hostPointer(a);
        if (a.size() > 0) {
            clEnqueueWriteBuffer(queue, m, CL_TRUE, 0, bytes(a.type().dtype(), a.size()), p, 0, null, null);
        }
    }

    /** Reads {@code into.size()} elements at element offset 0 of {@code m} into {@code into}'s storage. */
    void download(cl_mem m, ArrayData into) {
        if (into.size() == 0) {
            return;
        }
        long n = bytes(into.dtype(), into.size());
        if (into.dtype() == dev.kiln.ir.DType.BOOL) {
            byte[] b = new byte[into.size()];
            clEnqueueReadBuffer(queue, m, CL_TRUE, 0, n, Pointer.to(b), 0, null, null);
            boolean[] out = into.boolStorage();
            for (int i = 0; i < b.length; i++) {
                out[i] = b[i] != 0;
            }
            return;
        }
        clEnqueueReadBuffer(queue, m, CL_TRUE, 0, n, hostPointer(into), 0, null, null);
    }

    static long bytes(dev.kiln.ir.DType d, long elements) {
        return elements * (d == dev.kiln.ir.DType.BOOL ? 1 : d.byteSize());
    }

    private static Pointer hostPointer(ArrayData a) {
        return switch (a.dtype()) {
            case F32 -> Pointer.to(a.floatStorage());
            case F64 -> Pointer.to(a.doubleStorage());
            case I32 -> Pointer.to(a.intStorage());
            case BOOL -> {
                boolean[] v = a.boolStorage();
                byte[] b = new byte[v.length];
                for (int i = 0; i < v.length; i++) {
                    b[i] = (byte) (v[i] ? 1 : 0);
                }
                yield Pointer.to(b);
            }
        };
    }

    // ---- device queries ----

    private static String deviceString(cl_device_id d, int param) {
        long[] size = new long[1];
        clGetDeviceInfo(d, param, 0, null, size);
        byte[] buf = new byte[(int) size[0]];
        clGetDeviceInfo(d, param, buf.length, Pointer.to(buf), null);
        return new String(buf, StandardCharsets.UTF_8).replace("\0", "");
    }

    private static String platformString(cl_platform_id p, int param) {
        long[] size = new long[1];
        clGetPlatformInfo(p, param, 0, null, size);
        byte[] buf = new byte[(int) size[0]];
        clGetPlatformInfo(p, param, buf.length, Pointer.to(buf), null);
        return new String(buf, StandardCharsets.UTF_8).replace("\0", "");
    }

    private static long deviceLong(cl_device_id d, int param) {
        long[] v = new long[1];
        clGetDeviceInfo(d, param, Sizeof.cl_ulong, Pointer.to(v), null);
        return v[0];
    }
}
