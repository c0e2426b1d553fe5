package dev.kiln.ir.prim;

/** {@code out[i] = pred[i] ? onTrue[i] : onFalse[i]}; operands (pred, onTrue, onFalse). */
public record Select() implements Primitive {
    @Override
    public String name() {
        return "select";
    }
}
