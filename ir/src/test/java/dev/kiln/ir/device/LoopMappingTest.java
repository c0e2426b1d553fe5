package dev.kiln.ir.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
import dev.kiln.ir.GraphBuilder;
import dev.kiln.ir.Ints;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.fusion.Fuser;
import dev.kiln.ir.kernel.KernelProgram;
import dev.kiln.ir.kernel.LoopKernel;
import dev.kiln.ir.kernel.Lowering;
import dev.kiln.ir.prim.ArgMax;
import dev.kiln.ir.prim.Primitive;
import dev.kiln.ir.prim.ReduceSum;
import dev.kiln.ir.prim.Unary;
import dev.kiln.ir.prim.UnaryOp;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoopMappingTest {

    private static LoopKernel onlyKernel(TensorType in, Primitive... chain) {
        GraphBuilder b = new GraphBuilder();
        Var x = b.addInput(in);
        Var v = x;
        for (Primitive p : chain) {
            v = b.addEquation(p, List.of(v), null);
        }
        Graph g = b.build(List.of(v));
        KernelProgram prog = Lowering.lower(Fuser.plan(g, true));
        assertEquals(1, prog.kernels().size(), prog.text());
        return (LoopKernel) prog.kernels().getFirst();
    }

    @Test
    void elementwiseKernelsStrideOverTheGrid() {
        LoopMapping m = LoopMapping.of(onlyKernel(TensorType.of(DType.F32, 10, 30), new Unary(UnaryOp.EXP)));
        assertEquals(LoopMapping.Mode.GRID, m.mode());
        assertEquals(300, m.gridExtent());
    }

    @Test
    void fewLongRowsAreReducedByGroups() {
        LoopMapping m = LoopMapping.of(onlyKernel(TensorType.of(DType.F32, 4, 1000), new Unary(UnaryOp.EXP), new ReduceSum(Ints.of(1))));
        assertEquals(LoopMapping.Mode.GROUP, m.mode());
        assertEquals(4, m.gridExtent());
        assertEquals(1, m.reductionLoops().size());
        assertInstanceOf(LoopMapping.Fold.class, m.allCombines().getFirst());
    }

    @Test
    void aFullReductionIsOneGroup() {
        LoopMapping m = LoopMapping.of(onlyKernel(TensorType.of(DType.F32, 50, 20), new ReduceSum(Ints.of(0, 1))));
        assertEquals(LoopMapping.Mode.GROUP, m.mode());
        assertEquals(1, m.gridExtent());
    }

    @Test
    void argmaxCombinesValueAndPosition() {
        LoopMapping m = LoopMapping.of(onlyKernel(TensorType.of(DType.F32, 3, 500), new ArgMax(1, DType.I32)));
        assertEquals(LoopMapping.Mode.GROUP, m.mode());
        assertInstanceOf(LoopMapping.ArgMaxFold.class, m.allCombines().getFirst());
    }

    @Test
    void shortRowsKeepOneThreadPerRow() {
        assertEquals(LoopMapping.Mode.GRID, LoopMapping.of(onlyKernel(TensorType.of(DType.F32, 1000, 8), new ReduceSum(Ints.of(1)))).mode());
        assertEquals(LoopMapping.Mode.SERIAL, LoopMapping.of(onlyKernel(TensorType.of(DType.F32, 10), new ReduceSum(Ints.of(0)))).mode());
    }
}
