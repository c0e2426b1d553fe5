package dev.kiln.tracer;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.Shape;
import dev.kiln.ir.SourceLocation;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.CompareOp;
import dev.kiln.ir.prim.UnaryOp;
import dev.kiln.tracer.ops.CreationOps;
import dev.kiln.tracer.ops.ElementwiseOps;
import dev.kiln.tracer.ops.LinalgOps;
import dev.kiln.tracer.ops.ReduceOps;
import dev.kiln.tracer.ops.ShapeOps;

/**
 * The one array type of Kiln. A tensor is either concrete (it holds data) or a tracer (it stands
 * for a value inside a function being traced by {@code jit}, {@code grad} or {@code vmap}). The same
 * user code runs on both: operations on concrete tensors run at once, operations on tracers are
 * recorded. Reading data out of a tracer ({@link #item()}, {@link #toFloatArray()}) is an error,
 * because under a trace the value does not exist yet.
 *
 * <p>Operations follow NumPy: binary operations broadcast, mixed dtypes promote (bool &lt; i32 &lt;
 * f32 &lt; f64), Java numbers adopt the tensor's dtype, negative axes count from the end.
 * Tensors are immutable and compare by identity.
 */
public final class Tensor {
    private final TensorType type;
    private final ArrayData data;
    private final Trace trace;
    private final Var var;

    private Tensor(TensorType type, ArrayData data, Trace trace, Var var) {
        this.type = type;
        this.data = data;
        this.trace = trace;
        this.var = var;
    }

    static Tensor concrete(ArrayData data) {
        return new Tensor(data.type(), data, null, null);
    }

    static Tensor tracer(Trace trace, Var var) {
        return new Tensor(var.type(), null, trace, var);
    }

    // ---------------------------------------------------------------- creation

    /** A concrete tensor holding {@code data} (not copied: do not modify it afterwards). */
    public static Tensor of(ArrayData data) {
        return concrete(data);
    }

    /** An f32 tensor of {@code shape} (a vector of {@code data.length} when no shape is given). */
    public static Tensor of(float[] data, int... shape) {
        return concrete(ArrayData.of(data.clone(), shapeOrVector(data.length, shape)));
    }

    public static Tensor of(double[] data, int... shape) {
        return concrete(ArrayData.of(data.clone(), shapeOrVector(data.length, shape)));
    }

    public static Tensor of(int[] data, int... shape) {
        return concrete(ArrayData.of(data.clone(), shapeOrVector(data.length, shape)));
    }

    public static Tensor of(boolean[] data, int... shape) {
        return concrete(ArrayData.of(data.clone(), shapeOrVector(data.length, shape)));
    }

    private static int[] shapeOrVector(int n, int[] shape) {
        int[] s = shape.length == 0 ? new int[] {n} : shape;
        long numel = 1;
        for (int d : s) {
            numel *= d;
        }
        if (numel != n) {
            throw new KilnException("Tensor.of", n + " values do not fill shape " + java.util.Arrays.toString(s),
                    SourceLocation.ofCaller(), null);
        }
        return s;
    }

    /** An f32 scalar. */
    public static Tensor scalar(double value) {
        return scalar(value, DType.F32);
    }

    public static Tensor scalar(double value, DType dtype) {
        return concrete(ArrayData.scalar(value, dtype));
    }

    public static Tensor zeros(int... shape) {
        return CreationOps.full(0, DType.F32, shape);
    }

    public static Tensor zeros(DType dtype, int... shape) {
        return CreationOps.full(0, dtype, shape);
    }

    public static Tensor ones(int... shape) {
        return CreationOps.full(1, DType.F32, shape);
    }

    public static Tensor ones(DType dtype, int... shape) {
        return CreationOps.full(1, dtype, shape);
    }

    public static Tensor full(double value, DType dtype, int... shape) {
        return CreationOps.full(value, dtype, shape);
    }

    public static Tensor zerosLike(Tensor t) {
        return CreationOps.full(0, t.dtype(), t.dims());
    }

    public static Tensor onesLike(Tensor t) {
        return CreationOps.full(1, t.dtype(), t.dims());
    }

    /** {@code [0, 1, ..., n-1]} as i32. */
    public static Tensor arange(int n) {
        return CreationOps.iota(DType.I32, Shape.of(n), 0);
    }

    /** An array of {@code shape} whose value is its index along {@code dimension}. */
    public static Tensor iota(DType dtype, Shape shape, int dimension) {
        return CreationOps.iota(dtype, shape, dimension);
    }

    // ---------------------------------------------------------------- metadata

    public TensorType type() {
        return type;
    }

    public DType dtype() {
        return type.dtype();
    }

    public Shape shape() {
        return type.shape();
    }

    public int[] dims() {
        return type.shape().toArray();
    }

    public int rank() {
        return type.rank();
    }

    /** The size of {@code axis} (negative counts from the end). */
    public int dim(int axis) {
        return type.dim(ShapeOps.axis("dim", this, axis));
    }

    public int numel() {
        return type.numel();
    }

    /** Whether this tensor holds data (false for a tracer). */
    public boolean isConcrete() {
        return data != null;
    }

    Trace trace() {
        return trace;
    }

    Var var() {
        return var;
    }

    // ---------------------------------------------------------------- data out (concrete only)

    /** The data of a concrete tensor; an error for a tracer. */
    public ArrayData data() {
        return concreteData("data()");
    }

    /** The value of a one-element tensor. */
    public double item() {
        ArrayData d = concreteData("item()");
        if (d.size() != 1) {
            throw new KilnException("item()", "needs a tensor with one element, got " + type, SourceLocation.ofCaller(), null);
        }
        return d.getDouble(0);
    }

    public float[] toFloatArray() {
        return concreteData("toFloatArray()").toFloatArray();
    }

    public double[] toDoubleArray() {
        return concreteData("toDoubleArray()").toDoubleArray();
    }

    public int[] toIntArray() {
        return concreteData("toIntArray()").toIntArray();
    }

    private ArrayData concreteData(String op) {
        if (data != null) {
            return data;
        }
        throw new KilnException(op, "cannot read the value of a traced " + type + " inside " + trace.label()
                + ": under jit, grad or vmap the value does not exist yet",
                SourceLocation.ofCaller(),
                "use Tensor.where(...) instead of a Java if, return the value from the function, "
                        + "or compute it outside the traced function");
    }

    // ---------------------------------------------------------------- elementwise arithmetic

    public Tensor add(Tensor o) {
        return ElementwiseOps.binary(BinaryOp.ADD, this, o);
    }

    public Tensor add(double c) {
        return ElementwiseOps.binary(BinaryOp.ADD, this, c);
    }

    public Tensor sub(Tensor o) {
        return ElementwiseOps.binary(BinaryOp.SUB, this, o);
    }

    public Tensor sub(double c) {
        return ElementwiseOps.binary(BinaryOp.SUB, this, c);
    }

    /** {@code c - this}. */
    public Tensor rsub(double c) {
        return ElementwiseOps.binary(BinaryOp.SUB, ElementwiseOps.weakScalar(this, c), this);
    }

    public Tensor mul(Tensor o) {
        return ElementwiseOps.binary(BinaryOp.MUL, this, o);
    }

    public Tensor mul(double c) {
        return ElementwiseOps.binary(BinaryOp.MUL, this, c);
    }

    public Tensor div(Tensor o) {
        return ElementwiseOps.binary(BinaryOp.DIV, this, o);
    }

    public Tensor div(double c) {
        return ElementwiseOps.binary(BinaryOp.DIV, this, c);
    }

    /** {@code c / this}. */
    public Tensor rdiv(double c) {
        return ElementwiseOps.binary(BinaryOp.DIV, ElementwiseOps.weakScalar(this, c), this);
    }

    public Tensor rem(Tensor o) {
        return ElementwiseOps.binary(BinaryOp.REM, this, o);
    }

    public Tensor rem(double c) {
        return ElementwiseOps.binary(BinaryOp.REM, this, c);
    }

    public Tensor pow(Tensor o) {
        return ElementwiseOps.binary(BinaryOp.POW, this, o);
    }

    public Tensor pow(double c) {
        return ElementwiseOps.binary(BinaryOp.POW, this, c);
    }

    /** Elementwise maximum (NumPy's {@code maximum}); see {@link #amax} for the reduction. */
    public Tensor maximum(Tensor o) {
        return ElementwiseOps.binary(BinaryOp.MAX, this, o);
    }

    public Tensor maximum(double c) {
        return ElementwiseOps.binary(BinaryOp.MAX, this, c);
    }

    public Tensor minimum(Tensor o) {
        return ElementwiseOps.binary(BinaryOp.MIN, this, o);
    }

    public Tensor minimum(double c) {
        return ElementwiseOps.binary(BinaryOp.MIN, this, c);
    }

    /** Clamps every element into {@code [lo, hi]}. */
    public Tensor clip(double lo, double hi) {
        return maximum(lo).minimum(hi);
    }

    public Tensor neg() {
        return ElementwiseOps.unary(UnaryOp.NEG, this);
    }

    public Tensor exp() {
        return ElementwiseOps.unary(UnaryOp.EXP, this);
    }

    public Tensor log() {
        return ElementwiseOps.unary(UnaryOp.LOG, this);
    }

    public Tensor log1p() {
        return ElementwiseOps.unary(UnaryOp.LOG1P, this);
    }

    public Tensor expm1() {
        return ElementwiseOps.unary(UnaryOp.EXPM1, this);
    }

    public Tensor tanh() {
        return ElementwiseOps.unary(UnaryOp.TANH, this);
    }

    /** The logistic function {@code 1 / (1 + exp(-x))}. */
    public Tensor sigmoid() {
        return ElementwiseOps.unary(UnaryOp.LOGISTIC, this);
    }

    public Tensor sqrt() {
        return ElementwiseOps.unary(UnaryOp.SQRT, this);
    }

    public Tensor rsqrt() {
        return ElementwiseOps.unary(UnaryOp.RSQRT, this);
    }

    public Tensor abs() {
        return ElementwiseOps.unary(UnaryOp.ABS, this);
    }

    public Tensor sign() {
        return ElementwiseOps.unary(UnaryOp.SIGN, this);
    }

    public Tensor sin() {
        return ElementwiseOps.unary(UnaryOp.SIN, this);
    }

    public Tensor cos() {
        return ElementwiseOps.unary(UnaryOp.COS, this);
    }

    public Tensor floor() {
        return ElementwiseOps.unary(UnaryOp.FLOOR, this);
    }

    public Tensor ceil() {
        return ElementwiseOps.unary(UnaryOp.CEIL, this);
    }

    public Tensor round() {
        return ElementwiseOps.unary(UnaryOp.ROUND, this);
    }

    public Tensor square() {
        return mul(this);
    }

    public Tensor reciprocal() {
        return rdiv(1.0);
    }

    /** {@code max(x, 0)}. */
    public Tensor relu() {
        return maximum(0.0);
    }

    /** The identity, whose gradient is zero. */
    public Tensor stopGradient() {
        return ElementwiseOps.unary(UnaryOp.STOP_GRADIENT, this);
    }

    /** This tensor converted to {@code dtype} (the same tensor if it already has it). */
    public Tensor astype(DType dtype) {
        return ElementwiseOps.convert(this, dtype);
    }

    // ---------------------------------------------------------------- comparisons and logic

    public Tensor eq(Tensor o) {
        return ElementwiseOps.compare(CompareOp.EQ, this, o);
    }

    public Tensor eq(double c) {
        return ElementwiseOps.compare(CompareOp.EQ, this, ElementwiseOps.weakScalar(this, c));
    }

    public Tensor ne(Tensor o) {
        return ElementwiseOps.compare(CompareOp.NE, this, o);
    }

    public Tensor ne(double c) {
        return ElementwiseOps.compare(CompareOp.NE, this, ElementwiseOps.weakScalar(this, c));
    }

    public Tensor lt(Tensor o) {
        return ElementwiseOps.compare(CompareOp.LT, this, o);
    }

    public Tensor lt(double c) {
        return ElementwiseOps.compare(CompareOp.LT, this, ElementwiseOps.weakScalar(this, c));
    }

    public Tensor le(Tensor o) {
        return ElementwiseOps.compare(CompareOp.LE, this, o);
    }

    public Tensor le(double c) {
        return ElementwiseOps.compare(CompareOp.LE, this, ElementwiseOps.weakScalar(this, c));
    }

    public Tensor gt(Tensor o) {
        return ElementwiseOps.compare(CompareOp.GT, this, o);
    }

    public Tensor gt(double c) {
        return ElementwiseOps.compare(CompareOp.GT, this, ElementwiseOps.weakScalar(this, c));
    }

    public Tensor ge(Tensor o) {
        return ElementwiseOps.compare(CompareOp.GE, this, o);
    }

    public Tensor ge(double c) {
        return ElementwiseOps.compare(CompareOp.GE, this, ElementwiseOps.weakScalar(this, c));
    }

    public Tensor logicalNot() {
        return ElementwiseOps.unary(UnaryOp.NOT, this);
    }

    public Tensor logicalAnd(Tensor o) {
        return ElementwiseOps.binary(BinaryOp.AND, this, o);
    }

    public Tensor logicalOr(Tensor o) {
        return ElementwiseOps.binary(BinaryOp.OR, this, o);
    }

    /** {@code cond ? a : b} elementwise, with broadcasting. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        return ElementwiseOps.where(cond, a, b);
    }

    public static Tensor where(Tensor cond, Tensor a, double b) {
        return ElementwiseOps.where(cond, a, ElementwiseOps.weakScalar(a, b));
    }

    // ---------------------------------------------------------------- shapes

    /** The same elements in a new shape; one dimension may be -1 (inferred). */
    public Tensor reshape(int... shape) {
        return ShapeOps.reshape(this, shape);
    }

    /** Permutes dimensions; with no arguments, reverses them. */
    public Tensor transpose(int... permutation) {
        return ShapeOps.transpose(this, permutation);
    }

    /** Swaps the last two dimensions. */
    public Tensor mT() {
        return ShapeOps.swapAxes(this, -1, -2);
    }

    public Tensor swapAxes(int a, int b) {
        return ShapeOps.swapAxes(this, a, b);
    }

    public Tensor moveAxis(int from, int to) {
        return ShapeOps.moveAxis(this, from, to);
    }

    /** Broadcasts to {@code shape} by NumPy's rules. */
    public Tensor broadcastTo(int... shape) {
        return ShapeOps.broadcastTo(this, Shape.of(shape));
    }

    public Tensor expandDims(int axis) {
        return ShapeOps.expandDims(this, axis);
    }

    /** Removes the given size-1 axes (all of them when none is given). */
    public Tensor squeeze(int... axes) {
        return ShapeOps.squeeze(this, axes);
    }

    /** Flattens to one dimension. */
    public Tensor flatten() {
        return reshape(-1);
    }

    /** Flattens dimensions {@code startDim..} into one (PyTorch's {@code flatten(start_dim)}). */
    public Tensor flatten(int startDim) {
        return ShapeOps.flatten(this, startDim);
    }

    /** Elements {@code start..end-1} along {@code axis}. */
    public Tensor slice(int axis, int start, int end) {
        return ShapeOps.slice(this, axis, start, end, 1);
    }

    public Tensor slice(int axis, int start, int end, int step) {
        return ShapeOps.slice(this, axis, start, end, step);
    }

    /** Element {@code index} along {@code axis}, with that axis removed. */
    public Tensor index(int axis, int index) {
        return ShapeOps.index(this, axis, index);
    }

    /** Pads each dimension with {@code low[i]} / {@code high[i]} copies of {@code value}. */
    public Tensor pad(int[] low, int[] high, double value) {
        return ShapeOps.pad(this, low, high, value);
    }

    /** Reverses the order of elements along {@code axes}. */
    public Tensor flip(int... axes) {
        return ShapeOps.flip(this, axes);
    }

    public static Tensor concat(int axis, Tensor... parts) {
        return ShapeOps.concat(axis, java.util.List.of(parts));
    }

    public static Tensor concat(int axis, java.util.List<Tensor> parts) {
        return ShapeOps.concat(axis, parts);
    }

    /** Stacks equal-shaped tensors along a new axis. */
    public static Tensor stack(int axis, Tensor... parts) {
        return ShapeOps.stack(axis, java.util.List.of(parts));
    }

    public static Tensor stack(int axis, java.util.List<Tensor> parts) {
        return ShapeOps.stack(axis, parts);
    }

    // ---------------------------------------------------------------- reductions

    /** The sum of all elements. */
    public Tensor sum() {
        return ReduceOps.sum(this, null, false);
    }

    public Tensor sum(int... axes) {
        return ReduceOps.sum(this, axes, false);
    }

    public Tensor sum(int[] axes, boolean keepDims) {
        return ReduceOps.sum(this, axes, keepDims);
    }

    public Tensor mean() {
        return ReduceOps.mean(this, null, false);
    }

    public Tensor mean(int... axes) {
        return ReduceOps.mean(this, axes, false);
    }

    public Tensor mean(int[] axes, boolean keepDims) {
        return ReduceOps.mean(this, axes, keepDims);
    }

    /** The maximum over all elements (NumPy's {@code amax}). */
    public Tensor amax() {
        return ReduceOps.amax(this, null, false);
    }

    public Tensor amax(int... axes) {
        return ReduceOps.amax(this, axes, false);
    }

    public Tensor amax(int[] axes, boolean keepDims) {
        return ReduceOps.amax(this, axes, keepDims);
    }

    public Tensor amin(int... axes) {
        return ReduceOps.amin(this, axes.length == 0 ? null : axes, false);
    }

    /** The index (i32) of the maximum along {@code axis}; the first one on ties. */
    public Tensor argmax(int axis) {
        return ReduceOps.argmax(this, axis);
    }

    /** {@code log(sum(exp(x), axis))}, computed stably. */
    public Tensor logsumexp(int axis, boolean keepDims) {
        return ReduceOps.logsumexp(this, axis, keepDims);
    }

    /** The L2 norm of all elements. */
    public Tensor norm() {
        return square().sum().sqrt();
    }

    // ---------------------------------------------------------------- linear algebra

    /** NumPy's {@code matmul}: vectors, matrices, and broadcast batches of matrices. */
    public Tensor matmul(Tensor o) {
        return LinalgOps.matmul(this, o);
    }

    /** A general contraction (lax's {@code dot_general}): output dims are batch, lhs free, rhs free. */
    public static Tensor dotGeneral(Tensor lhs, Tensor rhs, int[] lhsContract, int[] rhsContract,
                                    int[] lhsBatch, int[] rhsBatch) {
        return LinalgOps.dotGeneral(lhs, rhs, lhsContract, rhsContract, lhsBatch, rhsBatch);
    }

    /** Einstein summation over single-letter subscripts, e.g. {@code einsum("bij,bjk->bik", a, b)}. */
    public static Tensor einsum(String spec, Tensor... operands) {
        return LinalgOps.einsum(spec, operands);
    }

    // ---------------------------------------------------------------- object

    @Override
    public String toString() {
        return data != null ? "Tensor" + data : "Tracer<" + type + "> in " + trace.label();
    }

    // ================================================================ conveniences (nn, indexing, pooling)
    // Delegating shortcuts for the ops in dev.kiln.tracer.ops and dev.kiln.tracer.nn; kept together
    // at the end of the file.

    /** {@code exp(x) / sum(exp(x))} along {@code axis}. */
    public Tensor softmax(int axis) {
        return dev.kiln.tracer.nn.Functional.softmax(this, axis);
    }

    /** {@code x - logsumexp(x)} along {@code axis}. */
    public Tensor logSoftmax(int axis) {
        return dev.kiln.tracer.nn.Functional.logSoftmax(this, axis);
    }

    /** This i32 tensor of class indices as f32 one-hot rows {@code [..., n]}. */
    public Tensor oneHot(int n) {
        return dev.kiln.tracer.ops.IndexOps.oneHot(this, n, DType.F32);
    }

    public Tensor oneHot(int n, DType dtype) {
        return dev.kiln.tracer.ops.IndexOps.oneHot(this, n, dtype);
    }

    /** Rows of this tensor chosen by i32 {@code indices} (NumPy's {@code take}, axis 0). */
    public Tensor take(Tensor indices) {
        return dev.kiln.tracer.ops.IndexOps.take(this, indices, 0);
    }

    public Tensor take(Tensor indices, int axis) {
        return dev.kiln.tracer.ops.IndexOps.take(this, indices, axis);
    }

    /** {@code out[b] = this[b, indices[b]]}: one element per row, e.g. each example's label logit. */
    public Tensor pick(Tensor indices) {
        return dev.kiln.tracer.ops.IndexOps.pick(this, indices);
    }

    /** A 2-d convolution of this {@code [N, C, H, W]} tensor with {@code weight [O, C, kh, kw]}. */
    public Tensor conv2d(Tensor weight, int stride, int padding) {
        return dev.kiln.tracer.ops.ConvOps.conv2d(this, weight, stride, padding);
    }

    public Tensor maxPool2d(int kernel, int stride, int padding) {
        return dev.kiln.tracer.ops.ConvOps.maxPool2d(this, kernel, stride, padding);
    }

    /** Average pooling; padding counts in the average (PyTorch's {@code count_include_pad=True}). */
    public Tensor avgPool2d(int kernel, int stride, int padding) {
        return dev.kiln.tracer.ops.ConvOps.avgPool2d(this, kernel, stride, padding);
    }
}
