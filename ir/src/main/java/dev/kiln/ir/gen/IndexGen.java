package dev.kiln.ir.gen;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.Literal;
import dev.kiln.ir.Shape;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.Gather;
import dev.kiln.ir.prim.Iota;
import dev.kiln.ir.prim.RandomBits;
import dev.kiln.ir.prim.RandomSplit;
import dev.kiln.ir.prim.ScatterAdd;
import dev.kiln.ir.prim.ShapeRules;
import java.util.ArrayList;
import java.util.List;

/**
 * Random gather and scatter_add with in-range indices (constants, iotas, clamped i32 values, or
 * values already known in range), and random bits and key splits from valid keys.
 */
final class IndexGen {
    private IndexGen() {
    }

    /** An operand, its batch dim count, and the indices into its axis {@code batchDims}. */
    private record Lookup(Var operand, int batchDims, Var indices) {
    }

    static void gather(ProgramBuilder b) {
        Lookup l = lookup(b);
        b.emit(new Gather(l.batchDims), l.operand, l.indices);
    }

    static void scatterAdd(ProgramBuilder b) {
        Lookup l = lookup(b);
        TensorType updates = ShapeRules.infer(new Gather(l.batchDims),
                List.of(l.operand.type(), l.indices.type()));
        b.emit(new ScatterAdd(l.batchDims), l.operand, l.indices, b.operandOfType(updates, false));
    }

    private static Lookup lookup(ProgramBuilder b) {
        int maxRank = b.options.maxRank();
        DType dt = b.numericType();
        Var operand = b.operand(v -> v.dtype() == dt && v.type().rank() >= 1,
                new TensorType(dt, b.shape(b.rank(1, maxRank))), false);
        int rank = operand.type().rank();
        int nb = b.rnd.nextInt(rank);
        int rows = operand.type().dim(nb);
        // indices [B..., I...]: the gathered result [B..., I..., R...] must stay within maxRank
        int indexRank = b.rank(0, maxRank - rank + 1);
        int[] idx = new int[nb + indexRank];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i < nb ? operand.type().dim(i) : b.dim();
        }
        return new Lookup(operand, nb, indices(b, Shape.of(idx), rows));
    }

    /** An i32 tensor of {@code shape} with every element in {@code [0, rows)}. */
    private static Var indices(ProgramBuilder b, Shape shape, int rows) {
        TensorType t = new TensorType(DType.I32, shape);
        List<Var> inRange = b.values().stream()
                .filter(v -> v.type().equals(t) && b.range(v).within(0, rows - 1)).toList();
        List<Integer> iotaDims = new ArrayList<>();
        for (int i = 0; i < shape.rank(); i++) {
            if (shape.dim(i) <= rows) {
                iotaDims.add(i);
            }
        }
        List<Var> clampable = b.values().stream().filter(v -> v.type().equals(t)).toList();
        switch (b.rnd.nextInt(4)) {
            case 0 -> {
                if (!inRange.isEmpty()) {
                    return b.choose(inRange);
                }
            }
            case 1 -> {
                if (b.allows(Iota.class) && !iotaDims.isEmpty()) {
                    return b.emit(new Iota(DType.I32, shape, b.choose(iotaDims)));
                }
            }
            case 2 -> {
                if (b.allows(Binary.class) && !clampable.isEmpty()) {
                    Var low = b.emit(new Binary(BinaryOp.MIN), b.choose(clampable), Literal.of(rows - 1, DType.I32));
                    return b.emit(new Binary(BinaryOp.MAX), low, Literal.of(0, DType.I32));
                }
            }
            default -> { }
        }
        Range r = new Range(0, rows - 1);
        return b.constant(ProgramBuilder.randomArray(t, r, b.rnd), r);
    }

    static void randomBits(ProgramBuilder b) {
        Var key = key(b, b.options.maxRank() - 1);
        int lead = key.type().rank() - 1;
        b.emit(new RandomBits(b.shape(b.rank(0, b.options.maxRank() - lead))), key);
    }

    static void randomSplit(ProgramBuilder b) {
        Var key = key(b, b.options.maxRank() - 1);
        b.emit(new RandomSplit(1 + b.rnd.nextInt(3)), key);
    }

    /** A key array {@code i32[K..., 2]} of rank at most {@code maxRank}: any two words are a valid key. */
    private static Var key(ProgramBuilder b, int maxRank) {
        if (maxRank < 1) {
            throw new ProgramBuilder.Reject("random keys need maxRank >= 2");
        }
        int rank = b.rank(1, Math.min(2, maxRank));
        int[] dims = new int[rank];
        for (int i = 0; i < rank - 1; i++) {
            dims[i] = b.dim();
        }
        dims[rank - 1] = 2;
        TensorType fresh = new TensorType(DType.I32, Shape.of(dims));
        List<Var> keys = b.values().stream().filter(v -> v.dtype() == DType.I32 && v.type().rank() >= 1
                && v.type().rank() <= maxRank && v.type().dim(v.type().rank() - 1) == 2).toList();
        if (!keys.isEmpty() && b.rnd.nextInt(3) > 0) {
            return b.choose(keys);
        }
        Range any = Range.INT;
        ArrayData words = ProgramBuilder.randomArray(fresh, any, b.rnd);
        return b.constant(words, any);
    }
}
