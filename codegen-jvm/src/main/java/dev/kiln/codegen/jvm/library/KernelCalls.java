package dev.kiln.codegen.jvm.library;

import dev.kiln.codegen.jvm.kernels.ConvKernel;
import dev.kiln.codegen.jvm.kernels.DotGeneralKernel;
import dev.kiln.codegen.jvm.kernels.IndexKernels;
import dev.kiln.codegen.jvm.kernels.ReduceWindowKernel;
import dev.kiln.codegen.jvm.kernels.ScatterNorms;
import dev.kiln.codegen.jvm.kernels.SelectAndScatterAddKernel;
import dev.kiln.ir.DType;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.ConvGeneralDilated;
import dev.kiln.ir.prim.DotGeneral;
import dev.kiln.ir.prim.Gather;
import dev.kiln.ir.prim.ReduceWindow;
import dev.kiln.ir.prim.ScatterAdd;
import dev.kiln.ir.prim.SelectAndScatterAdd;
import java.util.List;

/** Adapters from the (array, offset) calling convention of {@link LibraryCall} to the hand-written kernels. */
final class KernelCalls {
    private KernelCalls() {
    }

    static LibraryCall dot(DotGeneral p, List<TensorType> in) {
        DotGeneralKernel k = DotGeneralKernel.prepare(p, in.get(0), in.get(1));
        DType dt = in.get(0).dtype();
        return new LibraryCall() {
            @Override
            public void run(Object[] a, int[] o, Object s) {
                switch (dt) {
                    case F32 -> k.run((float[]) a[0], o[0], (float[]) a[1], o[1], (float[]) a[2], o[2], (float[]) s, 0);
                    case F64 -> k.run((double[]) a[0], o[0], (double[]) a[1], o[1], (double[]) a[2], o[2], (double[]) s, 0);
                    case I32 -> k.run((int[]) a[0], o[0], (int[]) a[1], o[1], (int[]) a[2], o[2], (int[]) s, 0);
                    case BOOL -> throw new IllegalStateException("dot_general on bool passed the shape rule");
                }
            }

            @Override
            public int scratchSize() {
                return k.scratchSize();
            }

            @Override
            public DType scratchType() {
                return dt;
            }
        };
    }

    static LibraryCall conv(ConvGeneralDilated p, List<TensorType> in) {
        ConvKernel k = ConvKernel.prepare(p, in.get(0), in.get(1));
        DType dt = in.get(0).dtype();
        return new LibraryCall() {
            @Override
            public void run(Object[] a, int[] o, Object s) {
                if (dt == DType.F32) {
                    k.run((float[]) a[0], o[0], (float[]) a[1], o[1], (float[]) a[2], o[2], (float[]) s, 0);
                } else {
                    k.run((double[]) a[0], o[0], (double[]) a[1], o[1], (double[]) a[2], o[2]);
                }
            }

            @Override
            public int scratchSize() {
                return k.scratchSize();
            }

            @Override
            public DType scratchType() {
                return dt;
            }
        };
    }

    static LibraryCall reduceWindow(ReduceWindow p, List<TensorType> in) {
        ReduceWindowKernel k = ReduceWindowKernel.prepare(p, in.get(0));
        return switch (in.get(0).dtype()) {
            case F32 -> (a, o, s) -> k.run((float[]) a[0], o[0], (float[]) a[1], o[1]);
            case F64 -> (a, o, s) -> k.run((double[]) a[0], o[0], (double[]) a[1], o[1]);
            case I32 -> (a, o, s) -> k.run((int[]) a[0], o[0], (int[]) a[1], o[1]);
            case BOOL -> throw new IllegalStateException("reduce_window on bool passed the shape rule");
        };
    }

    static LibraryCall selectAndScatterAdd(SelectAndScatterAdd p, List<TensorType> in) {
        SelectAndScatterAddKernel k = SelectAndScatterAddKernel.prepare(p, in.get(0), in.get(1));
        return switch (in.get(0).dtype()) {
            case F32 -> (a, o, s) -> k.run((float[]) a[0], o[0], (float[]) a[1], o[1], (float[]) a[2], o[2]);
            case F64 -> (a, o, s) -> k.run((double[]) a[0], o[0], (double[]) a[1], o[1], (double[]) a[2], o[2]);
            case I32 -> (a, o, s) -> k.run((int[]) a[0], o[0], (int[]) a[1], o[1], (int[]) a[2], o[2]);
            case BOOL -> throw new IllegalStateException("select_and_scatter_add on bool passed the shape rule");
        };
    }

    static LibraryCall gather(Gather p, List<TensorType> in) {
        IndexKernels.Plan plan = IndexKernels.prepareGather(p, in.get(0), in.get(1));
        return switch (in.get(0).dtype()) {
            case F32 -> (a, o, s) -> IndexKernels.gather(plan, (float[]) a[0], o[0], (int[]) a[1], o[1], (float[]) a[2], o[2]);
            case F64 -> (a, o, s) -> IndexKernels.gather(plan, (double[]) a[0], o[0], (int[]) a[1], o[1], (double[]) a[2], o[2]);
            case I32 -> (a, o, s) -> IndexKernels.gather(plan, (int[]) a[0], o[0], (int[]) a[1], o[1], (int[]) a[2], o[2]);
            case BOOL -> throw new IllegalStateException("gather on bool passed the shape rule");
        };
    }

    /** Per-example squared norms of a scatter into zeros: operands indices and updates, result at least batch elements. */
    static LibraryCall scatterNorms(ScatterAdd p, List<TensorType> in, boolean scalarUpdates) {
        IndexKernels.Plan plan = IndexKernels.prepareScatterAdd(p, in.get(0), in.get(1), in.get(2));
        DType dt = in.get(0).dtype();
        return new LibraryCall() {
            @Override
            public void run(Object[] a, int[] o, Object s) {
                switch (dt) {
                    case F32 -> ScatterNorms.squaredNorms(plan, (int[]) a[0], o[0], (float[]) a[1], o[1], (float[]) a[2], o[2],
                            (float[]) s, scalarUpdates, true);
                    case F64 -> ScatterNorms.squaredNorms(plan, (int[]) a[0], o[0], (double[]) a[1], o[1], (double[]) a[2],
                            o[2], (double[]) s, scalarUpdates, true);
                    default -> throw new IllegalStateException("scatter norms of " + dt);
                }
            }

            @Override
            public int scratchSize() {
                return ScatterNorms.scratchSize(plan);
            }

            @Override
            public boolean keepsScratchZero() {
                return true;
            }

            @Override
            public DType scratchType() {
                return dt;
            }
        };
    }

    static LibraryCall scatterAdd(ScatterAdd p, List<TensorType> in) {
        return scatterAdd(IndexKernels.prepareScatterAdd(p, in.get(0), in.get(1), in.get(2)));
    }

    static LibraryCall scatterAdd(IndexKernels.Plan plan) {
        return switch (plan.operand().dtype()) {
            case F32 -> (a, o, s) -> IndexKernels.scatterAdd(plan, (float[]) a[0], o[0], (int[]) a[1], o[1],
                    (float[]) a[2], o[2], (float[]) a[3], o[3]);
            case F64 -> (a, o, s) -> IndexKernels.scatterAdd(plan, (double[]) a[0], o[0], (int[]) a[1], o[1],
                    (double[]) a[2], o[2], (double[]) a[3], o[3]);
            case I32 -> (a, o, s) -> IndexKernels.scatterAdd(plan, (int[]) a[0], o[0], (int[]) a[1], o[1],
                    (int[]) a[2], o[2], (int[]) a[3], o[3]);
            case BOOL -> throw new IllegalStateException("scatter_add on bool passed the shape rule");
        };
    }
}
