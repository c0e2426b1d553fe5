package dev.kiln.ir.gen;

import dev.kiln.ir.DType;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Shape;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.ArgMax;
import dev.kiln.ir.prim.BroadcastInDim;
import dev.kiln.ir.prim.Concatenate;
import dev.kiln.ir.prim.Iota;
import dev.kiln.ir.prim.Pad;
import dev.kiln.ir.prim.ReduceMax;
import dev.kiln.ir.prim.ReduceSum;
import dev.kiln.ir.prim.Reshape;
import dev.kiln.ir.prim.Rev;
import dev.kiln.ir.prim.Slice;
import dev.kiln.ir.prim.Transpose;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** Random creation, layout (broadcast, reshape, transpose, rev, slice, pad, concatenate) and reduction equations. */
final class ShapeGen {
    private ShapeGen() {
    }

    static void iota(ProgramBuilder b) {
        Shape s = b.shape(b.rank(1, b.options.maxRank()));
        b.emit(new Iota(b.choose(b.floatType(), DType.I32), s, b.rnd.nextInt(s.rank())));
    }

    static void broadcastInDim(ProgramBuilder b) {
        Var x = any(b, 0, b.options.maxRank());
        int rank = b.rank(x.type().rank(), b.options.maxRank());
        int[] dims = sortedSubset(b, rank, x.type().rank());
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            out[i] = b.dim();
        }
        for (int i = 0; i < dims.length; i++) {
            int d = x.type().dim(i);
            out[dims[i]] = d == 1 && b.rnd.nextBoolean() ? out[dims[i]] : d;
        }
        b.emit(new BroadcastInDim(Shape.of(out), Ints.of(dims)), x);
    }

    static void reshape(ProgramBuilder b) {
        Var x = any(b, 0, b.options.maxRank());
        List<Integer> primes = primeFactors(x.type().numel());
        int rank = b.rank(primes.isEmpty() ? 0 : 1, b.options.maxRank());
        if (rank == 0 && !primes.isEmpty()) {
            throw new ProgramBuilder.Reject("cannot reshape " + x.type() + " to rank 0");
        }
        int[] out = new int[rank];
        Arrays.fill(out, 1);
        for (int p : primes) {
            out[b.rnd.nextInt(rank)] *= p;
        }
        b.emit(new Reshape(Shape.of(out)), x);
    }

    static void transpose(ProgramBuilder b) {
        Var x = any(b, 1, b.options.maxRank());
        b.emit(new Transpose(permutation(b, x.type().rank())), x);
    }

    static void rev(ProgramBuilder b) {
        Var x = any(b, 1, b.options.maxRank());
        List<Integer> axes = new ArrayList<>();
        for (int i = 0; i < x.type().rank(); i++) {
            if (b.rnd.nextBoolean()) {
                axes.add(i);
            }
        }
        Collections.shuffle(axes, b.rnd);
        b.emit(new Rev(Ints.of(axes.stream().mapToInt(Integer::intValue).toArray())), x);
    }

    static void slice(ProgramBuilder b) {
        Var x = any(b, 1, b.options.maxRank());
        int r = x.type().rank();
        int[] start = new int[r];
        int[] limit = new int[r];
        int[] strides = new int[r];
        for (int i = 0; i < r; i++) {
            int d = x.type().dim(i);
            start[i] = b.rnd.nextInt(d);
            limit[i] = start[i] + 1 + b.rnd.nextInt(d - start[i]);
            strides[i] = 1 + b.rnd.nextInt(3);
        }
        b.emit(new Slice(Ints.of(start), Ints.of(limit), Ints.of(strides)), x);
    }

    /** Pads with low/high in [-2, 2] (negative crops) and interior in [0, 2], keeping every dim >= 1. */
    static void pad(ProgramBuilder b) {
        Var x = any(b, 0, b.options.maxRank());
        int r = x.type().rank();
        int[] lo = new int[r];
        int[] hi = new int[r];
        int[] interior = new int[r];
        for (int i = 0; i < r; i++) {
            int d = x.type().dim(i);
            interior[i] = b.rnd.nextBoolean() ? 0 : b.rnd.nextInt(3);
            lo[i] = b.rnd.nextInt(5) - 2;
            hi[i] = b.rnd.nextInt(5) - 2;
            if (lo[i] + hi[i] + d + (d - 1) * interior[i] < 1) {
                lo[i] = Math.max(lo[i], 0);
                hi[i] = Math.max(hi[i], 0);
            }
        }
        Var value = b.operandOfType(TensorType.scalar(x.dtype()), false);
        b.emit(new Pad(Ints.of(lo), Ints.of(hi), Ints.of(interior)), x, value);
    }

    static void concatenate(ProgramBuilder b) {
        Var x = any(b, 1, b.options.maxRank());
        int dim = b.rnd.nextInt(x.type().rank());
        List<Var> parts = new ArrayList<>(List.of(x));
        int n = b.rnd.nextInt(3);
        for (int k = 0; k < n; k++) {
            TensorType fresh = x.type().withShape(x.shape().without(dim).with(dim, b.dim()));
            parts.add(b.operand(v -> sameExcept(v.type(), x.type(), dim), fresh, false));
        }
        Collections.shuffle(parts, b.rnd);
        b.emit(new Concatenate(dim), parts);
    }

    static void reduceSum(ProgramBuilder b) {
        Var x = numeric(b, 0);
        b.emit(new ReduceSum(Ints.of(sortedSubset(b, x.type().rank(), b.rnd.nextInt(x.type().rank() + 1)))), x);
    }

    static void reduceMax(ProgramBuilder b) {
        Var x = numeric(b, 0);
        b.emit(new ReduceMax(Ints.of(sortedSubset(b, x.type().rank(), b.rnd.nextInt(x.type().rank() + 1)))), x);
    }

    static void argmax(ProgramBuilder b) {
        DType dt = b.numericType();
        Var x = b.operand(v -> v.dtype() == dt && v.type().rank() >= 1,
                new TensorType(dt, b.shape(b.rank(1, b.options.maxRank()))), b.differentiable());
        b.emit(new ArgMax(b.rnd.nextInt(x.type().rank()), DType.I32), x);
    }

    // ---- helpers ----

    /** Any value (any dtype) of rank in [min, max]. */
    private static Var any(ProgramBuilder b, int min, int max) {
        DType dt = b.numericType();
        return b.operand(v -> v.type().rank() >= min && v.type().rank() <= max,
                new TensorType(dt, b.shape(b.rank(min, max))), false);
    }

    private static Var numeric(ProgramBuilder b, int minRank) {
        DType dt = b.numericType();
        return b.operand(v -> v.dtype() != DType.BOOL && v.type().rank() >= minRank,
                new TensorType(dt, b.shape(b.rank(minRank, b.options.maxRank()))), false);
    }

    private static boolean sameExcept(TensorType t, TensorType x, int dim) {
        return t.dtype() == x.dtype() && t.rank() == x.rank() && t.shape().without(dim).equals(x.shape().without(dim));
    }

    /** {@code k} distinct sorted ints from {@code [0, n)}. */
    static int[] sortedSubset(ProgramBuilder b, int n, int k) {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(i);
        }
        Collections.shuffle(all, b.rnd);
        return all.subList(0, k).stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    static Ints permutation(ProgramBuilder b, int n) {
        List<Integer> p = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            p.add(i);
        }
        Collections.shuffle(p, b.rnd);
        return Ints.of(p.stream().mapToInt(Integer::intValue).toArray());
    }

    private static List<Integer> primeFactors(int n) {
        List<Integer> fs = new ArrayList<>();
        for (int p = 2; n > 1; p++) {
            while (n % p == 0) {
                fs.add(p);
                n /= p;
            }
        }
        return fs;
    }
}
