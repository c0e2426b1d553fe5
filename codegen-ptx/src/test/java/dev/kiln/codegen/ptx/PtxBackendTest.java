package dev.kiln.codegen.ptx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.ArrayCompare;
import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
import dev.kiln.ir.GraphBuilder;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.Literal;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.device.DeviceCase;
import dev.kiln.ir.device.KernelCases;
import dev.kiln.ir.interp.Interpreter;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.Gather;
import dev.kiln.runtime.Backend;
import dev.kiln.runtime.Backends;
import dev.kiln.runtime.CompileOptions;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The PTX backend's registration and its executable, run on the emulator in place of a GPU. */
class PtxBackendTest {

    @Test
    void theBackendIsRegisteredAndSaysInOneLineWhyItIsAbsent() {
        Backend b = Backends.all().stream().filter(x -> x.name().equals("ptx")).findFirst().orElseThrow();
        assertTrue(b.priority() > 10, "a GPU, when present, is preferred to the jvm backend");
        Backend.Availability a = b.availability();
        if (!a.available()) {
            assertFalse(a.reason().contains("\n"), a.reason());
            assertTrue(a.reason().length() < 200, a.reason());
            KilnException e = assertThrows(KilnException.class, () -> Backends.byName("ptx"));
            assertTrue(e.getMessage().contains(a.reason()), e.getMessage());
        }
    }

    private static Graph sgdStep() {
        GraphBuilder b = new GraphBuilder();
        Var p = b.addInput(TensorType.of(DType.F32, 1000));
        Var g = b.addInput(TensorType.of(DType.F32, 1000));
        Var step = b.addEquation(new Binary(BinaryOp.MUL), List.of(g, Literal.of(0.1, DType.F32)), null);
        return b.build(List.of(b.addEquation(new Binary(BinaryOp.SUB), List.of(p, step), null)));
    }

    @Test
    void outputsFedBackStayOnTheDevice() {
        EmulatedDevice dev = new EmulatedDevice();
        Graph graph = sgdStep();
        PtxExecutable exe = PtxTesting.compile(graph, dev, CompileOptions.defaults("sgd"));
        Random r = new Random(4);
        ArrayData params = KernelCases.f32(r, 1000), grad = KernelCases.f32(r, 1000);
        ArrayData expected = params;
        long before = dev.uploads;
        for (int i = 0; i < 5; i++) {
            params = exe.run(List.of(params, grad)).getFirst();
            expected = Interpreter.run(graph, List.of(expected, grad)).getFirst();
        }
        ArrayCompare.assertClose(expected, params, 1e-6, 1e-6, "five steps");
        assertEquals(2, dev.uploads - before, "only the first parameters and the gradient are uploaded");
    }

    @Test
    void anOutOfRangeIndexIsTheInterpretersError() {
        EmulatedDevice dev = new EmulatedDevice();
        GraphBuilder b = new GraphBuilder();
        Var table = b.addInput(TensorType.of(DType.F32, 10, 4));
        Var idx = b.addInput(TensorType.of(DType.I32, 3));
        Graph graph = b.build(List.of(b.addEquation(new Gather(0), List.of(table, idx), null)));
        PtxExecutable exe = PtxTesting.compile(graph, dev, CompileOptions.defaults("lookup"));
        ArrayData t = ArrayData.zeros(TensorType.of(DType.F32, 10, 4));
        KilnException e = assertThrows(KilnException.class, () -> exe.run(List.of(t, ArrayData.of(new int[]{1, 12, 3}, 3))));
        assertTrue(e.getMessage().contains("index 12 at indices position [1] is out of range [0, 10)"), e.getMessage());
        assertEquals(12, exe.run(List.of(t, ArrayData.of(new int[]{1, 2, 3}, 3))).getFirst().size());
    }

    @Test
    void outputsMayBeInputsLiteralsOrRepeated() {
        EmulatedDevice dev = new EmulatedDevice();
        GraphBuilder b = new GraphBuilder();
        Var x = b.addInput(TensorType.of(DType.F32, 3));
        Var y = b.addEquation(new Binary(BinaryOp.ADD), List.of(x, x), null);
        Graph graph = b.build(List.of(x, y, Literal.of(2.5, DType.F32), y));
        ArrayData in = ArrayData.of(new float[]{1, 2, 3}, 3);
        List<ArrayData> out = PtxTesting.compile(graph, dev, CompileOptions.defaults("bindings")).run(List.of(in));
        List<ArrayData> expected = Interpreter.run(graph, List.of(in));
        for (int i = 0; i < expected.size(); i++) {
            assertTrue(expected.get(i).contentEquals(out.get(i)), "output " + i + ": " + out.get(i));
        }
    }

    @Test
    void kernelsStrideOverTheirWholeIndexSpaceWhateverTheGrid() {
        // One block (GEMMs: one row of blocks) must still cover everything: the grid-stride loops,
        // the GEMM's row-tile and batch loops, the group reductions' loop over kept elements.
        EmulatedDevice dev = new EmulatedDevice();
        for (DeviceCase c : KernelCases.all(8)) {
            PtxModule m = PtxCompiler.emit(c.graph(), CompileOptions.defaults(c.name()));
            List<PtxLaunch> small = m.launches().stream().map(l -> new PtxLaunch(l.kernel(),
                    l.block()[1] > 1 ? new int[]{l.grid()[0], 1, 1} : new int[]{1, 1, 1}, l.block(), l.blocks(), l.errorFlag())).toList();
            PtxModule shrunk = new PtxModule(m.optimized(), m.fusion(), m.kernels(), m.buffers(), m.text(), small, m.checks());
            List<ArrayData> actual = new PtxExecutable(shrunk, dev, c.name()).run(c.inputs());
            PtxTesting.assertMatches(c.graph(), c.inputs(), actual, c.name() + " on a one-block grid");
        }
    }

    @Test
    void aPlanLargerThanFreeMemoryNamesItsArenaAndTheFreeMemory() {
        EmulatedDevice small = new EmulatedDevice() {
            @Override
            public long[] memoryInfo() {
                return new long[]{1 << 20, 8 << 20};
            }
        };
        GraphBuilder b = new GraphBuilder();
        Var x = b.addInput(TensorType.of(DType.F32, 1 << 20));
        Var y = b.addEquation(new dev.kiln.ir.prim.Unary(dev.kiln.ir.prim.UnaryOp.EXP), List.of(x), null);
        Var z = b.addEquation(new dev.kiln.ir.prim.ReduceSum(dev.kiln.ir.Ints.of(0)), List.of(y), null);
        Var w = b.addEquation(new Binary(BinaryOp.MUL), List.of(y, z), null);
        Graph graph = b.build(List.of(b.addEquation(new dev.kiln.ir.prim.ReduceMax(dev.kiln.ir.Ints.of(0)), List.of(w), null)));
        KilnException e = assertThrows(KilnException.class, () -> PtxTesting.compile(graph, small,
                CompileOptions.defaults("big").withFusion(false)));
        assertTrue(e.getMessage().contains("out of device memory"), e.getMessage());
        assertTrue(e.getMessage().contains("1.0 MiB free of 8.0 MiB"), e.getMessage());
        assertTrue(e.getMessage().contains("arenas need"), e.getMessage());
    }
}
