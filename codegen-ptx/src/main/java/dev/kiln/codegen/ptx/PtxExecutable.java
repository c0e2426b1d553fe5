package dev.kiln.codegen.ptx;

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

/**
 * A PTX module on a device: the module loaded once, one arena per dtype sized by the buffer plan,
 * the constants uploaded once. A call uploads the inputs that are not already resident, launches
 * the kernels in order and downloads the outputs, whose device buffers then stay resident as the
 * copies of the returned arrays (the next training step's parameters need no upload). Calls on
 * one device are serialised.
 */
final class PtxExecutable implements Executable {
    private static final Cleaner CLEANER = Cleaner.create();

    private final PtxModule module;
    private final PtxDevice dev;
    private final String label;
    private final PtxDevice.Module loaded;
    private final Resources res;

    /** Device memory released when the executable becomes unreachable. */
    private static final class Resources implements Runnable {
        final PtxDevice dev;
        final Map<DType, PtxDevice.Buffer> arenas = new EnumMap<>(DType.class);
        final List<PtxDevice.Buffer> constants = new ArrayList<>();
        PtxDevice.Buffer errorFlag;

        Resources(PtxDevice dev) {
            this.dev = dev;
        }

        @Override
        public void run() {
            synchronized (dev) {
                arenas.values().forEach(dev::free);
                constants.forEach(dev::free);
                if (errorFlag != null) {
                    dev.free(errorFlag);
                }
            }
        }
    }

    PtxExecutable(PtxModule module, PtxDevice dev, String label) {
        this.module = module;
        this.dev = dev;
        this.label = label;
        this.res = new Resources(dev);
        CLEANER.register(this, res);
        synchronized (dev) {
            DeviceMemory mem = module.memory();
            long need = module.buffers().arenaBytes();
            long[] info = dev.memoryInfo();
            if (need > info[0]) {
                throw outOfMemory(info);
            }
            this.loaded = dev.load(module);
            try {
                for (DType d : mem.arenaTypes()) {
                    res.arenas.put(d, dev.allocate((long) mem.arenaSize(d) * PtxType.bytes(d)));
                }
                for (var c : module.optimized().constants()) {
                    PtxDevice.Buffer b = dev.allocate((long) c.value().size() * PtxType.bytes(c.value().dtype()));
                    res.constants.add(b);
                    dev.upload(b, c.value());
                }
                if (!module.checks().isEmpty()) {
                    res.errorFlag = dev.allocate(12);
                }
            } catch (PtxDevice.OutOfMemory e) {
                res.run();
                throw outOfMemory(dev.memoryInfo());
            }
        }
    }

    @Override
    public String backendName() {
        return "ptx";
    }

    @Override
    public List<ArrayData> run(List<ArrayData> inputs) {
        checkInputs(inputs);
        synchronized (dev) {
            Map<ArrayData, PtxDevice.Buffer> uploaded = new IdentityHashMap<>();
            List<PtxDevice.Buffer> ins = new ArrayList<>(), outs = new ArrayList<>();
            boolean done = false;
            try {
                for (ArrayData a : inputs) {
                    PtxDevice.Buffer b = dev.resident().lookup(a);
                    if (b == null) {
                        b = uploaded.get(a);
                    }
                    if (b == null) {
                        b = dev.allocate((long) a.size() * PtxType.bytes(a.dtype()));
                        uploaded.put(a, b);
                        dev.upload(b, a);
                    }
                    ins.add(b);
                }
                for (OutputBinding o : module.buffers().outputs()) {
                    outs.add(o.kind() == OutputBinding.Kind.OWNED ? dev.allocate((long) o.type().numel() * PtxType.bytes(o.type().dtype())) : null);
                }
                if (res.errorFlag != null) {
                    dev.zero(res.errorFlag, 3);
                }
                for (PtxLaunch l : module.launches()) {
                    dev.launch(loaded, l, arguments(l, ins, outs));
                }
                dev.synchronize();
                List<ArrayData> results = collect(inputs, outs);
                checkErrorFlag();
                for (int i = 0; i < results.size(); i++) {
                    if (outs.get(i) != null) {
                        dev.resident().put(results.get(i), outs.get(i), outs.get(i).bytes());
                    }
                }
                uploaded.forEach((a, b) -> dev.resident().put(a, b, b.bytes()));
                done = true;
                return results;
            } catch (PtxDevice.OutOfMemory e) {
                throw outOfMemory(dev.memoryInfo());
            } finally {
                if (!done) {
                    uploaded.values().forEach(dev::free);
                    outs.stream().filter(b -> b != null).forEach(dev::free);
                }
            }
        }
    }

    private PtxDevice.Buffer[] arguments(PtxLaunch l, List<PtxDevice.Buffer> ins, List<PtxDevice.Buffer> outs) {
        PtxDevice.Buffer[] args = new PtxDevice.Buffer[l.blocks().size() + (l.errorFlag() ? 1 : 0)];
        int i = 0;
        for (DeviceMemory.Block blk : l.blocks()) {
            args[i++] = switch (blk) {
                case DeviceMemory.Arena a -> res.arenas.get(a.dtype());
                case DeviceMemory.Input in -> ins.get(in.index());
                case DeviceMemory.Constant c -> res.constants.get(c.index());
                case DeviceMemory.Output o -> outs.get(o.index());
            };
        }
        if (l.errorFlag()) {
            args[i] = res.errorFlag;
        }
        return args;
    }

    /** The graph's outputs, as the buffer plan binds them. */
    private List<ArrayData> collect(List<ArrayData> inputs, List<PtxDevice.Buffer> outBuffers) {
        List<OutputBinding> bindings = module.buffers().outputs();
        return HostOutputs.collect(bindings, i -> {
            ArrayData out = ArrayData.zeros(bindings.get(i).type());
            dev.download(outBuffers.get(i), out);
            return out;
        }, inputs, module.optimized().constants());
    }

    private void checkErrorFlag() {
        if (res.errorFlag == null) {
            return;
        }
        int[] flag = dev.readWords(res.errorFlag, 3);
        if (flag[0] == 0) {
            return;
        }
        throw module.checks().get(flag[0]).failure(flag[1], flag[2]);
    }

    private void checkInputs(List<ArrayData> inputs) {
        List<BufferRef> expected = module.kernels().inputs();
        if (inputs.size() != expected.size()) {
            throw new KilnException("ptx", label + " takes " + expected.size() + " inputs, got " + inputs.size());
        }
        for (int i = 0; i < inputs.size(); i++) {
            if (!inputs.get(i).type().equals(expected.get(i).type())) {
                throw new KilnException("ptx", label + ": input " + i + " must be " + expected.get(i).type() + ", got " + inputs.get(i).type());
            }
        }
    }

    private KilnException outOfMemory(long[] info) {
        return new KilnException("ptx", "out of device memory for " + label + ": its arenas need "
                + mib(module.buffers().arenaBytes()) + " (" + module.buffers().arenaSizes() + " elements), "
                + dev.description() + " has " + mib(info[0]) + " free of " + mib(info[1]) + " (" + mib(dev.resident().bytes())
                + " holding resident arrays)", null, "use a smaller batch, or the jvm backend");
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
