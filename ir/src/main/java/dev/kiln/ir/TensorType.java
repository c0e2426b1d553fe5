package dev.kiln.ir;

/**
 * The abstract value of an array: its dtype and static shape, and nothing else (JAX's aval).
 * Every IR variable has one; tracing, transforms and compilation reason only about these.
 */
public record TensorType(DType dtype, Shape shape) {
    // equals and hashCode as a record's, written out: every pass compares types, and the generated
    // ones (method handles) are slow until HotSpot has compiled them, i.e. in a cold JVM.
    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof TensorType t && dtype == t.dtype && shape.equals(t.shape);
    }

    @Override
    public int hashCode() {
        return 31 * dtype.ordinal() + shape.hashCode();
    }


    public static TensorType of(DType dtype, int... dims) {
        return new TensorType(dtype, Shape.of(dims));
    }

    public static TensorType scalar(DType dtype) {
        return new TensorType(dtype, Shape.scalar());
    }

    public int rank() {
        return shape.rank();
    }

    public int dim(int axis) {
        return shape.dim(axis);
    }

    public int numel() {
        return shape.numel();
    }

    public TensorType withShape(Shape s) {
        return new TensorType(dtype, s);
    }

    public TensorType withDType(DType d) {
        return new TensorType(d, shape);
    }

    /** {@code f32[128,104]}, the form used in IR text and in every error message. */
    @Override
    public String toString() {
        return dtype.shortName() + shape;
    }
}
