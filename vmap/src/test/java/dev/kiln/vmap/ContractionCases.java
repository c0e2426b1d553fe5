package dev.kiln.vmap;

import dev.kiln.ir.DType;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Shape;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.ConvGeneralDilated;
import dev.kiln.ir.prim.DotGeneral;
import dev.kiln.ir.prim.Gather;
import dev.kiln.ir.prim.Primitive;
import dev.kiln.ir.prim.RandomBits;
import dev.kiln.ir.prim.RandomSplit;
import dev.kiln.ir.prim.ReduceWindow;
import dev.kiln.ir.prim.ScatterAdd;
import dev.kiln.ir.prim.SelectAndScatterAdd;
import dev.kiln.ir.prim.ShapeRules;
import dev.kiln.ir.prim.WindowKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/** The oracle table's entries for contractions, windows, indexing and random bits. */
final class ContractionCases {
    private ContractionCases() {
    }

    static Map<Class<? extends Primitive>, Function<Random, PrimitiveCase>> table() {
        Map<Class<? extends Primitive>, Function<Random, PrimitiveCase>> t = new LinkedHashMap<>();
        t.put(DotGeneral.class, ContractionCases::dotGeneral);
        t.put(ConvGeneralDilated.class, ContractionCases::conv);
        t.put(ReduceWindow.class, ContractionCases::reduceWindow);
        t.put(SelectAndScatterAdd.class, ContractionCases::selectAndScatterAdd);
        t.put(Gather.class, ContractionCases::gather);
        t.put(ScatterAdd.class, ContractionCases::scatterAdd);
        t.put(RandomBits.class, ContractionCases::randomBits);
        t.put(RandomSplit.class, ContractionCases::randomSplit);
        return t;
    }

    /** Random batch, contracting and free dimensions, each operand's dimensions in random order. */
    static PrimitiveCase dotGeneral(Random r) {
        int nb = r.nextInt(3), nc = r.nextInt(3), nlf = r.nextInt(3), nrf = r.nextInt(3);
        int[] batch = Rand.dims(r, nb, 3), contract = Rand.dims(r, nc, 3);
        int[] lperm = Rand.permutation(r, nb + nc + nlf), rperm = Rand.permutation(r, nb + nc + nrf);
        int[] lhs = new int[lperm.length], rhs = new int[rperm.length];
        int[] lb = new int[nb], rb = new int[nb], lc = new int[nc], rc = new int[nc];
        // Logical dimension k (batch, then contracting, then free) sits at position perm[k].
        for (int k = 0; k < lperm.length; k++) {
            lhs[lperm[k]] = k < nb ? batch[k] : k < nb + nc ? contract[k - nb] : Rand.between(r, 1, 3);
        }
        for (int k = 0; k < rperm.length; k++) {
            rhs[rperm[k]] = k < nb ? batch[k] : k < nb + nc ? contract[k - nb] : Rand.between(r, 1, 3);
        }
        for (int k = 0; k < nb; k++) {
            lb[k] = lperm[k];
            rb[k] = rperm[k];
        }
        for (int k = 0; k < nc; k++) {
            lc[k] = lperm[nb + k];
            rc[k] = rperm[nb + k];
        }
        DType dt = Rand.pick(r, PrimitiveCases.NUMERIC);
        var b = new PrimitiveCase.Builder();
        Var x = b.input(TensorType.of(dt, lhs), Gen.normal());
        Var y = b.input(TensorType.of(dt, rhs), Gen.normal());
        DotGeneral d = new DotGeneral(Ints.of(lc), Ints.of(rc), Ints.of(lb), Ints.of(rb));
        return b.build("dot_general " + d, ArrayOps.floatTolerance(dt), b.eq(d, x, y));
    }

    /** A 1-d or 2-d convolution with random strides, padding, dilations and feature or batch groups. */
    static PrimitiveCase conv(Random r) {
        return conv(r, Rand.pick(r, "plain", "feature groups", "batch groups"));
    }

    static PrimitiveCase conv(Random r, String groups) {
        int n = 1 + r.nextInt(2);
        int g = groups.equals("feature groups") ? Rand.between(r, 2, 3) : 1;
        int bg = groups.equals("batch groups") ? Rand.between(r, 2, 3) : 1;
        int in = Rand.between(r, 1, 2), out = Rand.between(r, 1, 2) * g * bg;
        int batch = Rand.between(r, 1, 2) * bg;
        int[] strides = new int[n], lo = new int[n], hi = new int[n], ld = new int[n], rd = new int[n];
        int[] lhs = new int[n + 2], rhs = new int[n + 2];
        lhs[0] = batch;
        lhs[1] = in * g;
        rhs[0] = out;
        rhs[1] = in;
        for (int i = 0; i < n; i++) {
            strides[i] = Rand.between(r, 1, 2);
            lo[i] = r.nextInt(2);
            hi[i] = r.nextInt(2);
            ld[i] = r.nextInt(4) == 0 ? 2 : 1;
            rd[i] = r.nextInt(4) == 0 ? 2 : 1;
            rhs[i + 2] = Rand.between(r, 1, 3);
            int window = (rhs[i + 2] - 1) * rd[i] + 1;
            lhs[i + 2] = Rand.between(r, 1, 5);
            int padded = (lhs[i + 2] - 1) * ld[i] + 1 + lo[i] + hi[i];
            hi[i] += Math.max(0, window - padded);
        }
        ConvGeneralDilated c = new ConvGeneralDilated(Ints.of(strides), Ints.of(lo), Ints.of(hi), Ints.of(ld),
                Ints.of(rd), g, bg);
        DType dt = Rand.pick(r, PrimitiveCases.FLOATS);
        var b = new PrimitiveCase.Builder();
        Var x = b.input(TensorType.of(dt, lhs), Gen.normal());
        Var w = b.input(TensorType.of(dt, rhs), Gen.normal());
        return b.build("conv (" + groups + ") " + c, ArrayOps.floatTolerance(dt), b.eq(c, x, w));
    }

    private record Window(int[] shape, Ints dims, Ints strides, Ints lo, Ints hi) {
    }

    private static Window window(Random r) {
        int rank = 1 + r.nextInt(3);
        int[] shape = new int[rank], dims = new int[rank], strides = new int[rank], lo = new int[rank], hi = new int[rank];
        for (int i = 0; i < rank; i++) {
            dims[i] = Rand.between(r, 1, 3);
            strides[i] = Rand.between(r, 1, 2);
            lo[i] = r.nextInt(2);
            hi[i] = r.nextInt(2);
            shape[i] = Math.max(1, dims[i] - lo[i] - hi[i]) + r.nextInt(3);
        }
        return new Window(shape, Ints.of(dims), Ints.of(strides), Ints.of(lo), Ints.of(hi));
    }

    static PrimitiveCase reduceWindow(Random r) {
        Window w = window(r);
        WindowKind kind = Rand.pick(r, WindowKind.values());
        DType dt = Rand.pick(r, PrimitiveCases.FLOATS);
        var b = new PrimitiveCase.Builder();
        Var x = b.input(TensorType.of(dt, w.shape()), Gen.normal());
        ReduceWindow p = new ReduceWindow(kind, w.dims(), w.strides(), w.lo(), w.hi());
        return b.build("reduce_window " + kind, ArrayOps.floatTolerance(dt), b.eq(p, x));
    }

    static PrimitiveCase selectAndScatterAdd(Random r) {
        Window w = window(r);
        DType dt = Rand.pick(r, PrimitiveCases.FLOATS);
        TensorType operand = TensorType.of(dt, w.shape());
        SelectAndScatterAdd p = new SelectAndScatterAdd(w.dims(), w.strides(), w.lo(), w.hi());
        Shape pooled = ShapeRules.infer(new ReduceWindow(WindowKind.MAX, w.dims(), w.strides(), w.lo(), w.hi()),
                List.of(operand)).shape();
        var b = new PrimitiveCase.Builder();
        Var source = b.input(new TensorType(dt, pooled), Gen.normal());
        Var x = b.input(operand, Gen.normal());
        return b.build("select_and_scatter_add", ArrayOps.floatTolerance(dt), b.eq(p, source, x));
    }

    private record Indexing(int nb, TensorType operand, TensorType indices, TensorType rows) {
    }

    /** Operand {@code [B.., V, R..]}, indices {@code [B.., I..]} and gathered rows {@code [B.., I.., R..]}. */
    private static Indexing indexing(Random r, DType dt) {
        int nb = r.nextInt(3);
        int[] lead = Rand.dims(r, nb, 3), idx = Rand.dims(r, r.nextInt(3), 3), rows = Rand.dims(r, r.nextInt(3), 3);
        int v = Rand.between(r, 1, 4);
        int[] operand = concat(lead, new int[] {v}, rows), indices = concat(lead, idx), out = concat(lead, idx, rows);
        return new Indexing(nb, TensorType.of(dt, operand), TensorType.of(DType.I32, indices), TensorType.of(dt, out));
    }

    static PrimitiveCase gather(Random r) {
        Indexing ix = indexing(r, Rand.pick(r, PrimitiveCases.NUMERIC));
        var b = new PrimitiveCase.Builder();
        Var x = b.input(ix.operand(), Gen.normal());
        Var i = b.input(ix.indices(), Gen.index(ix.operand().dim(ix.nb())));
        return b.build("gather batch_dims=" + ix.nb(), 0, b.eq(new Gather(ix.nb()), x, i));
    }

    static PrimitiveCase scatterAdd(Random r) {
        DType dt = Rand.pick(r, PrimitiveCases.NUMERIC);
        Indexing ix = indexing(r, dt);
        var b = new PrimitiveCase.Builder();
        Var x = b.input(ix.operand(), Gen.normal());
        Var i = b.input(ix.indices(), Gen.index(ix.operand().dim(ix.nb())));
        Var u = b.input(ix.rows(), Gen.normal());
        return b.build("scatter_add batch_dims=" + ix.nb(), ArrayOps.floatTolerance(dt), b.eq(new ScatterAdd(ix.nb()), x, i, u));
    }

    static PrimitiveCase randomBits(Random r) {
        var b = new PrimitiveCase.Builder();
        Var key = b.input(TensorType.of(DType.I32, concat(Rand.dims(r, r.nextInt(3), 3), new int[] {2})), Gen.bits());
        return b.build("random_bits", 0, b.eq(new RandomBits(Shape.of(Rand.dims(r, r.nextInt(3), 4))), key));
    }

    static PrimitiveCase randomSplit(Random r) {
        var b = new PrimitiveCase.Builder();
        Var key = b.input(TensorType.of(DType.I32, concat(Rand.dims(r, r.nextInt(3), 3), new int[] {2})), Gen.bits());
        return b.build("random_split", 0, b.eq(new RandomSplit(Rand.between(r, 1, 3)), key));
    }

    private static int[] concat(int[]... parts) {
        return java.util.Arrays.stream(parts).flatMapToInt(java.util.Arrays::stream).toArray();
    }
}
