package dev.kiln.ir.kernel;

import static dev.kiln.ir.testing.G.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.Var;
import dev.kiln.ir.buffers.CompiledPlan;
import dev.kiln.ir.prim.UnaryOp;
import dev.kiln.ir.testing.G;
import org.junit.jupiter.api.Test;

class LoopCollapseTest {

    @Test
    void elementwiseKernelOverThreeDimensionsIsOneLoop() {
        G g = new G();
        Var x = g.f32(4, 5, 6), y = g.f32(4, 5, 6);
        CompiledPlan c = CompiledPlan.of(g.build(g.add(g.un(UnaryOp.EXP, x), y)), true, true);
        Stmt.Loop outer = ((LoopKernel) c.program().kernels().getFirst()).outerLoop();
        assertEquals(120, outer.var().extent());
        assertTrue(outer.parallel() && outer.contiguous());
        assertTrue(outer.body().stream().noneMatch(s -> s instanceof Stmt.Loop));
    }

    @Test
    void broadcastAlongTheOuterDimensionKeepsTwoLoops() {
        G g = new G();
        Var x = g.f32(64, 10), b = g.f32(10);
        CompiledPlan c = CompiledPlan.of(g.build(g.add(x, g.bcast(b, new int[] {64, 10}, 1))), true, true);
        Stmt.Loop outer = ((LoopKernel) c.program().kernels().getFirst()).outerLoop();
        assertEquals(64, outer.var().extent());
        Stmt.Loop inner = assertInstanceOf(Stmt.Loop.class, outer.body().getFirst());
        assertEquals(10, inner.var().extent());
    }

    @Test
    void reductionOverTrailingDimensionsCollapsesThemIntoOneReducedLoop() {
        G g = new G();
        Var x = g.f32(2, 3, 4, 5);
        CompiledPlan c = CompiledPlan.of(g.build(g.sum(g.mul(x, lit(2)), 0, 2, 3)), true, true);
        String text = c.program().text();
        assertTrue(text.contains("for k0 in 0..3 parallel"), text);
        assertTrue(text.contains("in 0..20 contiguous"), text);
    }
}
