package dev.kiln.codegen.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import dev.kiln.ir.device.KernelCases;
import dev.kiln.ir.interp.Interpreter;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.Gather;
import dev.kiln.runtime.Backend;
import dev.kiln.runtime.Backends;
import dev.kiln.runtime.CompileOptions;
import dev.kiln.runtime.Executable;
import dev.kiln.runtime.JitOptions;
import dev.kiln.runtime.Kiln;
import dev.kiln.tracer.Fn2;
import dev.kiln.tracer.Random;
import dev.kiln.tracer.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenClBackendTest {

    @Test
    void theBackendIsFoundByNameAndRanksBelowTheJvm() {
        OpenClTesting.device();
        Backend b = Backends.byName("opencl");
        assertEquals("opencl", b.name());
        assertTrue(b.availability().available());
        assertTrue(b.availability().reason().contains("OpenCL on"), b.availability().reason());
        assertTrue(b.priority() < 10, "the jvm backend has priority 10");
        assertTrue(Kiln.devices().stream().anyMatch(d -> d.name().equals("opencl") && d.available()));
    }

    @Test
    void jitOnTheOpenClBackendMatchesEagerExecution() {
        OpenClTesting.device();
        Fn2<Tensor, Tensor, Tensor> f = (x, w) -> x.matmul(w).tanh().sum(1);
        Fn2<Tensor, Tensor, Tensor> jf = Kiln.jit(f, JitOptions.defaults().named("mlp").onBackend("opencl"));
        java.util.Random r = new java.util.Random(3);
        Tensor x = Tensor.of(KernelCases.f32(r, 8, 20)), w = Tensor.of(KernelCases.f32(r, 20, 5));
        ArrayCompare.assertClose(f.apply(x, w).data(), jf.apply(x, w).data(), 1e-5, 1e-6, "jit on opencl");
    }

    @Test
    void normalNoiseOnOpenClMatchesEagerSamples() {
        OpenClTesting.device();
        for (DType dt : new DType[] {DType.F32, DType.F64}) {
            Fn2<Tensor, Tensor, Tensor> f = (key, p) -> p.sub(Random.normal(key, new int[] {3, 1001}, dt).mul(0.5));
            Fn2<Tensor, Tensor, Tensor> jf = Kiln.jit(f, JitOptions.defaults().named("noise").onBackend("opencl"));
            Tensor key = Random.key(2024), p = Random.uniform(Random.key(1), new int[] {3, 1001}, 0, 1, dt);
            ArrayCompare.assertClose(f.apply(key, p).data(), jf.apply(key, p).data(), 1e-5, 1e-6, dt + " noise on opencl");
        }
    }

    @Test
    void outputsFedBackAreNotUploadedAgain() {
        OpenClDevice dev = OpenClTesting.device();
        GraphBuilder b = new GraphBuilder();
        Var p = b.addInput(TensorType.of(DType.F32, 1000));
        Var g = b.addInput(TensorType.of(DType.F32, 1000));
        Var step = b.addEquation(new Binary(BinaryOp.MUL), List.of(g, Literal.of(0.1, DType.F32)), null);
        Var next = b.addEquation(new Binary(BinaryOp.SUB), List.of(p, step), null);
        Graph graph = b.build(List.of(next));
        Executable exe = new OpenClBackend().compile(graph, CompileOptions.defaults("sgd"));
        java.util.Random r = new java.util.Random(4);
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
        OpenClTesting.device();
        GraphBuilder b = new GraphBuilder();
        Var table = b.addInput(TensorType.of(DType.F32, 10, 4));
        Var idx = b.addInput(TensorType.of(DType.I32, 3));
        Graph graph = b.build(List.of(b.addEquation(new Gather(0), List.of(table, idx), null)));
        Executable exe = new OpenClBackend().compile(graph, CompileOptions.defaults("lookup"));
        ArrayData t = ArrayData.zeros(TensorType.of(DType.F32, 10, 4));
        KilnException e = assertThrows(KilnException.class, () -> exe.run(List.of(t, ArrayData.of(new int[]{1, 12, 3}, 3))));
        assertTrue(e.getMessage().contains("index 12 at indices position [1] is out of range [0, 10)"), e.getMessage());
        // The flag is cleared for the next call.
        assertEquals(4, exe.run(List.of(t, ArrayData.of(new int[]{1, 2, 3}, 3))).getFirst().size() / 3);
    }

    @Test
    void aBuildErrorShowsTheOffendingSourceLine() {
        OpenClDevice dev = OpenClTesting.device();
        String source = "__kernel void ok(__global float* x) { x[0] = 1.0f; }\n__kernel void broken(__global float* x) { x[0] = undefined_name; }\n";
        KilnException e = assertThrows(KilnException.class, () -> dev.program(source, "a broken program"));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        assertTrue(e.getMessage().contains("x[0] = undefined_name;"), e.getMessage());
    }

    @Test
    void outputsMayBeInputsLiteralsOrRepeated() {
        OpenClTesting.device();
        GraphBuilder b = new GraphBuilder();
        Var x = b.addInput(TensorType.of(DType.F32, 3));
        Var y = b.addEquation(new Binary(BinaryOp.ADD), List.of(x, x), null);
        Graph graph = b.build(List.of(x, y, Literal.of(2.5, DType.F32), y));
        ArrayData in = ArrayData.of(new float[]{1, 2, 3}, 3);
        List<ArrayData> out = new OpenClBackend().compile(graph, CompileOptions.defaults("bindings")).run(List.of(in));
        List<ArrayData> expected = Interpreter.run(graph, List.of(in));
        for (int i = 0; i < expected.size(); i++) {
            assertTrue(expected.get(i).contentEquals(out.get(i)), "output " + i + ": " + out.get(i));
        }
    }
}
