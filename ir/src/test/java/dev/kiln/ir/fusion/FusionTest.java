package dev.kiln.ir.fusion;

import static dev.kiln.ir.testing.G.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.ArrayCompare;
import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Shape;
import dev.kiln.ir.Var;
import dev.kiln.ir.buffers.CompiledPlan;
import dev.kiln.ir.gen.RandomPrograms;
import dev.kiln.ir.interp.Interpreter;
import dev.kiln.ir.kernel.AliasKernel;
import dev.kiln.ir.kernel.KernelInterpreter;
import dev.kiln.ir.kernel.LibraryKernel;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.DotGeneral;
import dev.kiln.ir.prim.Reshape;
import dev.kiln.ir.prim.UnaryOp;
import dev.kiln.ir.testing.G;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FusionTest {

    @Test
    void elementwiseChainIsOneKernel() {
        G g = new G();
        Var x = g.f32(64, 32), y = g.f32(64, 32);
        Var out = g.un(UnaryOp.TANH, g.add(g.mul(g.un(UnaryOp.EXP, x), lit(2)), y));
        CompiledPlan c = compileAndCheck(g.build(out));
        assertEquals(1, c.fusion().kernels().size());
        assertEquals(KernelKind.LOOP, c.fusion().kernels().getFirst().kind());
        assertEquals(4, c.fusion().kernels().getFirst().equations().size());
        assertTrue(c.buffers().arenaSizes().isEmpty(), "no intermediate is written to memory");
    }

    @Test
    void softmaxCrossEntropyIsThreeKernels() {
        G g = new G();
        int b = 32, k = 10;
        Var z = g.f32(b, k), onehot = g.f32(b, k);
        Var m = g.max(z, 1);
        Var zs = g.bin(BinaryOp.SUB, z, g.bcast(m, new int[] {b, k}, 0));
        Var e = g.un(UnaryOp.EXP, zs);
        Var lse = g.un(UnaryOp.LOG, g.sum(e, 1));
        Var logp = g.bin(BinaryOp.SUB, zs, g.bcast(lse, new int[] {b, k}, 0));
        Var loss = g.bin(BinaryOp.DIV, g.un(UnaryOp.NEG, g.sum(g.mul(onehot, logp), 0, 1)), lit(b));
        CompiledPlan c = compileAndCheck(g.build(loss));
        FusionPlan p = c.fusion();
        assertEquals(3, p.kernels().size(), p.text());
        assertTrue(p.kernels().stream().allMatch(kk -> kk.kind() == KernelKind.REDUCTION), p.text());
        assertNull(c.program().buffer(e), "exp(z - max) is never written to memory");
        assertNull(c.program().buffer(zs));
        assertNull(c.program().buffer(logp));
        assertNotNull(c.program().buffer(lse), "log(sum) is the epilogue output of the second reduction");
    }

    /** DP-SGD: scale each example's gradient by min(1, C/||g||) and sum over the batch. */
    @Test
    void clipScaleAndSumIsOneReductionThatNeverWritesTheScaledGradients() {
        G g = new G();
        int b = 16, p = 300;
        Var grads = g.f32(b, p);
        Var norms = g.un(UnaryOp.SQRT, g.sum(g.mul(grads, grads), 1));
        Var factor = g.bin(BinaryOp.MIN, lit(1), g.bin(BinaryOp.DIV, lit(1.5f), g.add(norms, lit(1e-6))));
        Var scaled = g.mul(grads, g.bcast(factor, new int[] {b, p}, 0));
        Var sum = g.sum(scaled, 0);
        CompiledPlan c = compileAndCheck(g.build(sum));
        FusionPlan plan = c.fusion();
        assertEquals(2, plan.kernels().size(), plan.text());
        FusedKernel last = plan.kernels().getLast();
        assertEquals(KernelKind.REDUCTION, last.kind());
        assertSame(sum, last.root().out());
        assertTrue(last.equations().stream().anyMatch(eq -> eq.out() == scaled), plan.text());
        assertNull(c.program().buffer(scaled), "the scaled per-example gradients are never a buffer");
        assertEquals(List.of(grads), last.inputs().stream().filter(v -> v.shape().rank() == 2).toList());
    }

    @Test
    void clipScaleAndSumOfBatchedProductGradientsKeepsTheScaledTensorOutOfMemory() {
        G g = new G();
        int b = 8, n = 5, i = 6, o = 4;
        Var x = g.f32(b, n, i), dy = g.f32(b, n, o);
        // per-example weight gradient: [b, i, o] = sum_n x[b,n,i] dy[b,n,o]
        Var grads = g.eq(new DotGeneral(Ints.of(1), Ints.of(1), Ints.of(0), Ints.of(0)), x, dy);
        Var norms = g.un(UnaryOp.SQRT, g.sum(g.mul(grads, grads), 1, 2));
        Var factor = g.bin(BinaryOp.MIN, lit(1), g.bin(BinaryOp.DIV, lit(1), norms));
        Var scaled = g.mul(grads, g.bcast(factor, new int[] {b, i, o}, 0));
        Var sum = g.sum(scaled, 0);
        CompiledPlan c = compileAndCheck(g.build(sum));
        FusionPlan plan = c.fusion();
        assertEquals(3, plan.kernels().size(), plan.text());
        assertEquals(KernelKind.LIBRARY, plan.kernels().getFirst().kind());
        assertNull(c.program().buffer(scaled), plan.text());
        assertEquals(1, plan.kernelsOf(eqOf(c, scaled)).size());
        assertSame(sum, plan.kernelsOf(eqOf(c, scaled)).getFirst().root().out());
    }

    @Test
    void matmulBiasReluIsOneLibraryKernelWithEpilogue() {
        G g = new G();
        Var x = g.f32(32, 16), w = g.f32(16, 8), bias = g.f32(8);
        Var y = g.bin(BinaryOp.MAX, g.add(g.matmul(x, w), g.bcast(bias, new int[] {32, 8}, 1)), lit(0));
        CompiledPlan c = compileAndCheck(g.build(y));
        assertEquals(1, c.fusion().kernels().size(), c.fusion().text());
        FusedKernel k = c.fusion().kernels().getFirst();
        assertEquals(KernelKind.LIBRARY, k.kind());
        assertEquals(4, k.equations().size());
        LibraryKernel lib = (LibraryKernel) c.program().kernels().getFirst();
        assertNotNull(lib.epilogue());
        assertSame(c.program().buffer(y), lib.result(), "the product is written into the output, the epilogue updates it in place");
        assertTrue(c.buffers().arenaSizes().isEmpty());
    }

    @Test
    void withFusionOffEveryEquationIsItsOwnKernelAndSaysWhy() {
        G g = new G();
        Var x = g.f32(8, 8);
        Var y = g.un(UnaryOp.TANH, g.add(g.un(UnaryOp.EXP, x), lit(1)));
        CompiledPlan c = CompiledPlan.of(g.build(y), false, true);
        assertEquals(3, c.fusion().kernels().size());
        assertEquals(2, c.fusion().refusals().size());
        assertTrue(c.fusion().refusals().stream().allMatch(r -> r.reason() == FusionReason.FUSION_DISABLED));
        assertTrue(c.fusion().text().contains("FUSION_DISABLED"));
    }

    @Test
    void expensiveProducerReadThroughABroadcastIsNotRecomputed() {
        G g = new G();
        Var x = g.f32(50), y = g.f32(40, 50);
        Var e = g.un(UnaryOp.EXP, x);
        Var cheap = g.un(UnaryOp.NEG, x);
        Var out = g.add(g.add(g.bcast(e, new int[] {40, 50}, 1), y), g.bcast(cheap, new int[] {40, 50}, 1));
        CompiledPlan c = compileAndCheck(g.build(out));
        FusionPlan p = c.fusion();
        assertEquals(2, p.kernels().size(), p.text());
        assertNotNull(c.program().buffer(e), "exp is written once and read back");
        assertNull(c.program().buffer(cheap), "neg is cheap enough to recompute per element");
        Refusal r = p.refusals().stream().filter(rr -> rr.producer().out() == e).findFirst().orElseThrow();
        assertEquals(FusionReason.RECOMPUTE_TOO_EXPENSIVE, r.reason());
    }

    @Test
    void expensiveValueNeededByTwoKernelsIsWrittenByOneOfThem() {
        G g = new G();
        Var x = g.f32(1000);
        Var e = g.un(UnaryOp.EXP, x);
        Var total = g.sum(e, 0);
        Var twice = g.mul(e, lit(2));
        CompiledPlan c = compileAndCheck(g.build(total, twice));
        FusionPlan p = c.fusion();
        assertEquals(2, p.kernels().size(), p.text());
        FusedKernel writer = p.writerOf(e);
        assertNotNull(writer);
        assertTrue(writer.outputs().contains(twice), "exp is an extra output of the kernel computing 2*exp");
        assertEquals(FusionReason.RECOMPUTE_TOO_EXPENSIVE, p.refusals().getFirst().reason());
    }

    @Test
    void reshapeOfAValueInMemoryIsAnAliasNotACopy() {
        G g = new G();
        Var x = g.f32(4, 2, 3), w = g.f32(6, 5);
        Var flat = g.eq(new Reshape(Shape.of(4, 6)), g.un(UnaryOp.TANH, x));
        Var y = g.matmul(flat, w);
        CompiledPlan c = compileAndCheck(g.build(y));
        assertTrue(c.program().kernels().stream().anyMatch(k -> k instanceof AliasKernel), c.program().text());
        var tanhStorage = c.buffers().storageOf().get(c.program().buffer(flat));
        assertEquals(2, tanhStorage.members().size(), "tanh's buffer and its reshape are one storage");
    }

    @Test
    void reductionEpilogueAndMultiOutputShowInThePlanText() {
        G g = new G();
        Var x = g.f32(16, 10);
        Var s = g.sum(g.un(UnaryOp.EXP, x), 1);
        Var l = g.un(UnaryOp.LOG, s);
        CompiledPlan c = compileAndCheck(g.build(l, s));
        String text = c.fusion().text();
        assertEquals(1, c.fusion().kernels().size(), text);
        assertTrue(text.contains("REDUCTION"), text);
        assertEquals(2, c.fusion().kernels().getFirst().outputs().size());
        assertTrue(c.fusion().dot().startsWith("digraph"));
    }

    @Test
    void longConcatenationIsACopyKernelWhenTheBackendHasOne() {
        G g = new G();
        Var[] parts = new Var[12];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = g.un(UnaryOp.TANH, g.f32(2, 1, 5));
        }
        Var cat = g.eq(new dev.kiln.ir.prim.Concatenate(1), parts);
        Var out = g.sum(g.mul(cat, lit(2)), 1);
        CompiledPlan c = CompiledPlan.of(g.build(out), new Fuser.Options(true, true), dev.kiln.ir.buffers.BufferAssignment.Options.of(true));
        List<ArrayData> in = RandomPrograms.randomInputs(g.build(out), new Random(3));
        ArrayCompare.assertClose(Interpreter.run(g.build(out), in), KernelInterpreter.run(c.program(), c.buffers(), in),
                1e-5, 1e-6, "copy kernel");
        assertEquals(KernelKind.REDUCTION, compileAndCheck(g.build(out)).fusion().kernels().getLast().kind(),
                "without the option the concatenation is inlined (guards)");
        FusedKernel copy = c.fusion().writerOf(cat);
        assertNotNull(copy, c.fusion().text());
        assertEquals(KernelKind.LIBRARY, copy.kind());
        assertTrue(c.fusion().refusals().stream().anyMatch(r -> r.reason() == FusionReason.LIBRARY_OPERAND));
    }

    @Test
    void kernelsStopGrowingAtTheirInputLimit() {
        G g = new G();
        Var acc = g.f32(100);
        for (int i = 0; i < 50; i++) {
            acc = g.add(acc, g.f32(100));
        }
        CompiledPlan c = compileAndCheck(g.build(acc));
        assertTrue(c.fusion().kernels().size() > 1, c.fusion().text());
        for (FusedKernel k : c.fusion().kernels()) {
            assertTrue(k.inputs().size() <= FusionCost.MAX_KERNEL_INPUTS, k.name() + " reads " + k.inputs().size());
        }
        assertTrue(c.fusion().refusals().stream().anyMatch(r -> r.reason() == FusionReason.KERNEL_TOO_LARGE));
    }

    @Test
    void everyFusionDecisionRespectsTheScheduleOnRandomPrograms() {
        for (long seed = 0; seed < 40; seed++) {
            Graph g = RandomPrograms.generate(new Random(seed), RandomPrograms.Options.defaults().withMaxEquations(24));
            CompiledPlan c = CompiledPlan.of(g, true, true);
            for (FusedKernel k : c.fusion().kernels()) {
                for (Var in : k.inputs()) {
                    FusedKernel w = c.fusion().writerOf(in);
                    assertTrue(w == null || w.index() < k.index(), "kernel " + k.name() + " reads " + in + " written later");
                }
                assertFalse(k.outputs().isEmpty(), k.name() + " writes nothing");
            }
        }
    }

    private static dev.kiln.ir.Equation eqOf(CompiledPlan c, Var v) {
        return c.optimized().equations().stream().filter(e -> e.out() == v).findFirst().orElseThrow();
    }

    private static CompiledPlan compileAndCheck(Graph g) {
        CompiledPlan c = CompiledPlan.of(g, true, true);
        List<ArrayData> in = RandomPrograms.randomInputs(g, new Random(3));
        ArrayCompare.assertClose(Interpreter.run(g, in), KernelInterpreter.run(c.program(), c.buffers(), in), 1e-4, 1e-5,
                "fused program");
        return c;
    }
}
