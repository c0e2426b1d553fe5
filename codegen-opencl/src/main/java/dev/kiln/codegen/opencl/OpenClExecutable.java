package dev.kiln.codegen.opencl;

import static org.jocl.CL.*;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.buffers.HostOutputs;
import dev.kiln.ir.buffers.OutputBinding;
import dev.kiln.ir.device.DeviceMemory;
import dev.kiln.ir.kernel.BufferRef;
import dev.kiln.runtime.Executable;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_program;

/**
 * A compiled graph on an OpenCL device. The program is built once (cached by source); the arenas,
 * constants and kernel objects live as long as the executable. A call uploads the inputs that are
 * not already on the device, runs the launches in order on the device's in-order queue, and
 * downloads the outputs; the output buffers then stay on the device as the copies of the returned
 * arrays, so feeding them back (new parameters after a step) costs no upload. Calls on one device
 * are serialised (one queue, one set of arenas).
 */
final class OpenClExecutable implements Executable {
    private static final Cleaner CLEANER = Cleaner.create();

    private final OpenClProgram program;
    private final OpenClDevice dev;
    private final String label;
    private final Resources res;

    /** Device resources, released when the executable becomes unreachable. */
    private static final class Resources implements Runnable {
        final List<cl_kernel> kernels = new ArrayList<>();
        final Map<DType, cl_mem> arenas = new EnumMap<>(DType.class);
        final List<cl_mem> constants = new ArrayList<>();
        cl_mem errorFlag;

        @Override
        public void run() {
            kernels.forEach(k -> clReleaseKernel(k));
            arenas.values().forEach(m -> clReleaseMemObject(m));
            constants.forEach(m -> clReleaseMemObject(m));
            if (errorFlag != null) {
                clReleaseMemObject(errorFlag);
            }
        }
    }

    OpenClExecutable(OpenClProgram program, OpenClDevice dev, String label) {
        this.program = program;
        this.dev = dev;
        this.label = label;
        this.res = new Resources();
        CLEANER.register(this, res);
        synchronized (dev) {
            checkFits();
            cl_program p = dev.program(program.source(), label);
            for (ClLaunch l : program.launches()) {
                res.kernels.add(clCreateKernel(p, l.kernel(), null));
            }
            DeviceMemory mem = program.memory();
            try {
                for (DType d : mem.arenaTypes()) {
                    res.arenas.put(d, dev.allocate(OpenClDevice.bytes(d, mem.arenaSize(d))));
                }
                for (var c : program.optimized().constants()) {
                    cl_mem m = dev.allocate(OpenClDevice.bytes(c.value().dtype(), c.value().size()));
                    res.constants.add(m);
                    dev.upload(m, c.value());
                }
                if (!program.checks().isEmpty()) {
                    res.errorFlag = dev.allocate(3L * Sizeof.cl_int);
                }
            } catch (CLException e) {
                throw outOfMemory(e);
            }
        }
    }

    @Override
    public String backendName() {
        return "opencl";
    }

    @Override
    public List<ArrayData> run(List<ArrayData> inputs) {
        checkInputs(inputs);
        synchronized (dev) {
            Map<ArrayData, cl_mem> uploaded = new IdentityHashMap<>();
            List<cl_mem> inputMems = new ArrayList<>();
            List<cl_mem> outputMems = new ArrayList<>();
            boolean done = false;
            try {
                for (ArrayData a : inputs) {
                    cl_mem m = dev.resident.lookup(a);
                    if (m == null) {
                        m = uploaded.get(a);
                    }
                    if (m == null) {
                        m = dev.allocate(OpenClDevice.bytes(a.dtype(), a.size()));
                        uploaded.put(a, m);
                        dev.upload(m, a);
                    }
                    inputMems.add(m);
                }
                DeviceMemory mem = program.memory();
                for (int i = 0; i < program.buffers().outputs().size(); i++) {
                    OutputBinding o = program.buffers().outputs().get(i);
                    outputMems.add(o.kind() == OutputBinding.Kind.OWNED ? dev.allocate(OpenClDevice.bytes(o.type().dtype(), o.type().numel())) : null);
                }
                if (res.errorFlag != null) {
                    clEnqueueWriteBuffer(dev.queue, res.errorFlag, CL_TRUE, 0, 3L * Sizeof.cl_int, Pointer.to(new int[3]), 0, null, null);
                }
                launchAll(inputMems, outputMems);
                List<ArrayData> outs = collect(inputs, outputMems);
                checkErrorFlag();
                // The outputs stay on the device as copies of the returned arrays, and so do the uploaded inputs.
                for (int i = 0; i < outs.size(); i++) {
                    if (outputMems.get(i) != null) {
                        dev.resident.put(outs.get(i), outputMems.get(i), OpenClDevice.bytes(outs.get(i).dtype(), outs.get(i).size()));
                    }
                }
                uploaded.forEach((a, m) -> dev.resident.put(a, m, OpenClDevice.bytes(a.dtype(), a.size())));
                done = true;
                return outs;
            } catch (CLException e) {
                throw outOfMemory(e);
            } finally {
                if (!done) {
                    uploaded.values().forEach(m -> clReleaseMemObject(m));
                    outputMems.stream().filter(m -> m != null).forEach(m -> clReleaseMemObject(m));
                }
            }
        }
    }

    private void launchAll(List<cl_mem> inputs, List<cl_mem> outputs) {
        List<ClLaunch> launches = program.launches();
        for (int i = 0; i < launches.size(); i++) {
            ClLaunch l = launches.get(i);
            cl_kernel k = res.kernels.get(i);
            int arg = 0;
            for (DeviceMemory.Block b : l.blocks()) {
                cl_mem m = switch (b) {
                    case DeviceMemory.Arena a -> res.arenas.get(a.dtype());
                    case DeviceMemory.Input in -> inputs.get(in.index());
                    case DeviceMemory.Constant c -> res.constants.get(c.index());
                    case DeviceMemory.Output o -> outputs.get(o.index());
                };
                clSetKernelArg(k, arg++, Sizeof.cl_mem, Pointer.to(m));
            }
            if (l.errorFlag()) {
                clSetKernelArg(k, arg, Sizeof.cl_mem, Pointer.to(res.errorFlag));
            }
            clEnqueueNDRangeKernel(dev.queue, k, l.global().length, null, l.global(), l.local(), 0, null, null);
        }
    }

    /** The graph's outputs, as the buffer plan binds them. */
    private List<ArrayData> collect(List<ArrayData> inputs, List<cl_mem> outputMems) {
        List<OutputBinding> bindings = program.buffers().outputs();
        return HostOutputs.collect(bindings, i -> {
            ArrayData out = ArrayData.zeros(bindings.get(i).type());
            dev.download(outputMems.get(i), out);
            return out;
        }, inputs, program.optimized().constants());
    }

    private void checkErrorFlag() {
        if (res.errorFlag == null) {
            return;
        }
        int[] flag = new int[3];
        clEnqueueReadBuffer(dev.queue, res.errorFlag, CL_TRUE, 0, 3L * Sizeof.cl_int, Pointer.to(flag), 0, null, null);
        if (flag[0] == 0) {
            return;
        }
        throw program.checks().get(flag[0]).failure(flag[1], flag[2]);
    }

    private void checkInputs(List<ArrayData> inputs) {
        List<BufferRef> expected = program.kernels().inputs();
        if (inputs.size() != expected.size()) {
            throw new KilnException("opencl", label + " takes " + expected.size() + " inputs, got " + inputs.size());
        }
        for (int i = 0; i < inputs.size(); i++) {
            if (!inputs.get(i).type().equals(expected.get(i).type())) {
                throw new KilnException("opencl", label + ": input " + i + " must be " + expected.get(i).type() + ", got " + inputs.get(i).type());
            }
        }
    }

    /** Whether the plan's arenas can fit at all; OpenCL allocates lazily, so this catches the obvious case early. */
    private void checkFits() {
        DeviceMemory mem = program.memory();
        for (DType d : mem.arenaTypes()) {
            long b = OpenClDevice.bytes(d, mem.arenaSize(d));
            if (b > dev.maxAllocation) {
                throw new KilnException("opencl", "out of device memory: the " + d + " arena of " + label + " needs " + mib(b)
                        + " but " + dev.description + " allocates at most " + mib(dev.maxAllocation) + " at once", null, hint());
            }
        }
        if (program.buffers().arenaBytes() > dev.globalMemory) {
            throw outOfMemory(null);
        }
    }

    private KilnException outOfMemory(CLException e) {
        boolean oom = e == null || e.getStatus() == CL_MEM_OBJECT_ALLOCATION_FAILURE || e.getStatus() == CL_OUT_OF_RESOURCES
                || e.getStatus() == CL_OUT_OF_HOST_MEMORY;
        if (!oom) {
            return new KilnException("opencl", label + ": " + e.getMessage(), null, null, e);
        }
        return new KilnException("opencl", "out of device memory running " + label + ": its arenas need "
                + mib(program.buffers().arenaBytes()) + " (" + program.buffers().arenaSizes() + " elements), the device has "
                + mib(dev.globalMemory) + " in all (OpenCL does not report free memory), " + mib(dev.resident.bytes())
                + " of it holding resident arrays", null, hint(), e);
    }

    private static String hint() {
        return "use a smaller batch, or the jvm backend";
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
