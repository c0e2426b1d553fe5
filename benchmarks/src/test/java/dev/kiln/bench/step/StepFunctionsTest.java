package dev.kiln.bench.step;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.samples.models.LogReg;
import dev.kiln.tracer.Random;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.tree.PyTree;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepFunctionsTest {
    private static final LogReg MODEL = new LogReg();

    private static TrainState<LogReg.Params> state() {
        return new TrainState<>(MODEL.init(Random.key(1)), Random.key(2));
    }

    private static Tensor[] batch(int n) {
        return BenchData.batches(MODEL, n, 1, 5)[0];
    }

    @Test
    void clipScaleShrinksOnlyGradientsLongerThanTheClip() {
        Tensor sq = Tensor.of(new float[] {0.25f, 1f, 16f}, 3);
        assertArrayEquals(new float[] {1f, 1f, 0.25f}, StepFunctions.clipScale(sq, 1.0).toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {1f, 1f, 0.5f}, StepFunctions.clipScale(sq, 2.0).toFloatArray(), 1e-6f);
    }

    @Test
    void squaredNormsAddUpOverAllLeavesPerExample() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor b = Tensor.of(new float[] {1, 1}, 2);
        assertArrayEquals(new float[] {6, 26}, StepFunctions.sumOfSquares(List.of(a, b), 1).toFloatArray(), 1e-6f);
        assertEquals(32, StepFunctions.sumOfSquares(List.of(a, b), 0).item(), 1e-6);
    }

    @Test
    void vmapAndLoopDpStepsAgree() {
        Tensor[] xy = batch(4);
        var s = state();
        var v = StepFunctions.dpVmap(MODEL, Hyper.paper()).apply(s, xy[0], xy[1]);
        var l = StepFunctions.dpLoop(MODEL, Hyper.paper()).apply(s, xy[0], xy[1]);
        List<Tensor> pv = PyTree.leaves(v.params()), pl = PyTree.leaves(l.params());
        for (int i = 0; i < pv.size(); i++) {
            assertArrayEquals(pl.get(i).toFloatArray(), pv.get(i).toFloatArray(), 1e-5f);
        }
        assertArrayEquals(l.key().toIntArray(), v.key().toIntArray());
    }

    @Test
    void withoutNoiseTheDpStepMovesEachParameterAtMostTheClippedMean() {
        // With sigma 0 the update is lr * (sum of clipped gradients) / B, whose norm is at most lr * C.
        Hyper h = new Hyper(0.1, 0.0, 1.0);
        Tensor[] xy = batch(8);
        var s = state();
        var next = StepFunctions.dpVmap(MODEL, h).apply(s, xy[0], xy[1]);
        double sq = 0;
        List<Tensor> before = PyTree.leaves(s.params()), after = PyTree.leaves(next.params());
        for (int i = 0; i < before.size(); i++) {
            sq += after.get(i).sub(before.get(i)).square().sum().item();
        }
        assertTrue(Math.sqrt(sq) <= 0.1 + 1e-6, "step norm " + Math.sqrt(sq));
        assertTrue(sq > 0, "the step moved nothing");
    }

    @Test
    void theSgdStepFollowsTheMeanGradient() {
        Tensor[] xy = batch(8);
        var s = state();
        var next = StepFunctions.sgd(MODEL, new Hyper(1, 1, 0.5)).apply(s, xy[0], xy[1]);
        var g = dev.kiln.runtime.Kiln.grad(MODEL::batchLoss).apply(s.params(), xy[0], xy[1]);
        List<Tensor> p = PyTree.leaves(s.params()), n = PyTree.leaves(next.params()), gs = PyTree.leaves(g);
        for (int i = 0; i < p.size(); i++) {
            assertArrayEquals(p.get(i).sub(gs.get(i).mul(0.5)).toFloatArray(), n.get(i).toFloatArray(), 1e-6f);
        }
        assertArrayEquals(s.key().toIntArray(), next.key().toIntArray());
    }

    @Test
    void aTrainingStepChangesTheParametersAndCountsThem() {
        TrainingStep<?> t = TrainingStep.prepare(StepSpec.of("logreg", 4, Variant.DP_VMAP).withJit(false));
        assertEquals(210, t.parameterCount());
        float[] before = t.parameters().getFirst().toFloatArray();
        t.step();
        float[] after = t.parameters().getFirst().toFloatArray();
        assertTrue(!java.util.Arrays.equals(before, after));
    }

    @Test
    void theBufferPlanGivesAWorkingSetThatGrowsWithTheBatch() {
        TrainingStep<?> t = TrainingStep.prepare(StepSpec.of("ffnn", 1, Variant.DP_VMAP));
        MemoryEstimate small = MemoryEstimate.of(t.graphAt(8), true, true);
        MemoryEstimate large = MemoryEstimate.of(t.graphAt(64), true, true);
        assertTrue(large.workingSetBytes() > small.workingSetBytes());
        assertTrue(small.arenaBytes() <= small.intermediateBytes());
        // The hidden activations alone: 50 floats per example (the optimiser may clip the
        // per-example gradients without ever writing them, so they need not be counted).
        assertTrue(large.intermediateBytes() >= 64L * 50 * 4);
        assertEquals(small.inputBytes() + small.arenaBytes() + small.outputBytes(), small.workingSetBytes());
    }
}
