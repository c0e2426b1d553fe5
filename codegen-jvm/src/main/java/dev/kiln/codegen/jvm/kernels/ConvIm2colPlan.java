package dev.kiln.codegen.jvm.kernels;

/**
 * The general f32 convolution: im2col + GEMM. Each group g is the product
 * {@code out_g[o, (n', q)] = W_g[o, (i, t)] · col_g[(i, t), (n', q)]} ({@link ConvGeometry}),
 * cut into <em>tiles</em>: a group times a chunk of columns (part of one example's output
 * positions, written straight into the output, or several whole examples, written through a
 * temporary when positions are few), each accumulated over chunks of the depth {@code (i, t)}
 * so the unfolded patches stay cache-sized. Tiles are spread over the lanes; when there are
 * fewer tiles than lanes (one big kernel-gradient product) the depth is split instead and the
 * partial sums added at the end. Grouped convolutions with many small groups are thus one batch
 * of GEMMs, never a per-group loop of tiny ones.
 */
final class ConvIm2colPlan implements ConvPlan {
    /** Target floats of one unfolded-patch chunk (about 512 KB: fits L2 with the GEMM's packing). */
    static final int COL_BUFFER = 128 * 1024;
    /** Target depth rows of one chunk. */
    static final int DEPTH_ROWS = 1024;
    /** Fewest columns a chunk is cut to. */
    static final int MIN_COLS = 64;
    /** Convolutions under this many flops run on the calling thread. */
    static final long PARALLEL_FLOPS = 1L << 21;

    private enum Mode { TILES, SPLIT_DEPTH, PARALLEL_GEMM }

    private final ConvGeometry g;
    private final Im2col im2col;
    private final boolean transposedCol;
    private final int featuresPerChunk;
    private final int depthChunks;
    private final boolean grouped;
    private final int examplesPerChunk;
    private final int positionsPerChunk;
    private final int chunksPerGroup;
    private final int maxCols;
    private final Mode mode;
    private final int parts;
    private final int laneSize;

    ConvIm2colPlan(ConvGeometry g, ConvTables tables) {
        this.g = g;
        this.im2col = new Im2col(g, tables);
        int taps = Math.max(1, g.taps()), positions = g.outPositions();
        int last = g.rank() - 1;
        this.transposedCol = last >= 0 && tables.tUnit() && (!tables.qUnit() || g.k()[last] > g.out()[last]);
        this.featuresPerChunk = Math.max(1, Math.min(g.i(), DEPTH_ROWS / taps));
        this.depthChunks = ceilDiv(g.i(), featuresPerChunk);
        int rows = featuresPerChunk * taps;
        int colsTarget = Math.max(MIN_COLS, COL_BUFFER / rows);
        this.grouped = positions < colsTarget / 2 && g.outBatch() > 1;
        if (grouped) {
            int chunks = ceilDiv(g.outBatch(), Math.max(1, colsTarget / Math.max(1, positions)));
            this.examplesPerChunk = ceilDiv(g.outBatch(), chunks);
            this.positionsPerChunk = positions;
            this.chunksPerGroup = chunks;
        } else {
            int perExample = Math.max(1, ceilDiv(positions, colsTarget));
            this.examplesPerChunk = 1;
            this.positionsPerChunk = Math.max(1, ceilDiv(positions, perExample));
            this.chunksPerGroup = g.outBatch() * perExample;
        }
        this.maxCols = examplesPerChunk * positionsPerChunk;
        int tiles = tileCount(), threads = Parallel.threads();
        boolean par = threads > 1 && g.flops() >= PARALLEL_FLOPS;
        if (!par || tiles >= threads) {
            mode = Mode.TILES;
        } else if (depthChunks >= 2) {
            mode = Mode.SPLIT_DEPTH;
        } else {
            mode = Mode.PARALLEL_GEMM;
        }
        this.parts = mode == Mode.SPLIT_DEPTH ? Math.min(threads, depthChunks) : 1;
        int temp = grouped || mode == Mode.SPLIT_DEPTH ? g.og() * maxCols : 0;
        int gemm = Sgemm.scratchFloats(g.og(), maxCols, rows, mode == Mode.PARALLEL_GEMM);
        this.laneSize = rows * maxCols + temp + gemm;
    }

    @Override
    public int scratchSize() {
        int lanes = mode == Mode.PARALLEL_GEMM ? 1 : Parallel.threads();
        long partials = mode == Mode.SPLIT_DEPTH ? (long) tileCount() * parts * g.og() * maxCols : 0;
        return Math.toIntExact(lanes * (long) laneSize + partials);
    }

    private int tileCount() {
        return g.groups() * chunksPerGroup;
    }

    @Override
    public void run(float[] lhs, int lo, float[] rhs, int ro, float[] out, int oo, float[] scratch, int so) {
        Run r = new Run(lhs, lo, rhs, ro, out, oo, scratch, so);
        int tiles = tileCount();
        switch (mode) {
            case TILES -> Parallel.parallelFor(tiles, Parallel.grainFor(g.flops() / tiles),
                    (lane, from, to) -> r.tiles(lane, from, to));
            case PARALLEL_GEMM -> r.tiles(0, 0, tiles);
            case SPLIT_DEPTH -> {
                Parallel.parallelFor(tiles * parts, 1, (lane, from, to) -> r.partials(lane, from, to));
                r.sumPartials(so + Parallel.threads() * laneSize);
            }
        }
    }

    @Override
    public String toString() {
        return "im2col mode=" + mode + " tiles=" + tileCount() + " depthChunks=" + depthChunks
                + (grouped ? " grouped x" + examplesPerChunk : "") + (transposedCol ? " transposed-col" : "");
    }

    /** One call's buffers and the work on them. */
    private final class Run {
        final float[] lhs;
        final int lo;
        final float[] rhs;
        final int ro;
        final float[] out;
        final int oo;
        final float[] scratch;
        final int so;

        Run(float[] lhs, int lo, float[] rhs, int ro, float[] out, int oo, float[] scratch, int so) {
            this.lhs = lhs;
            this.lo = lo;
            this.rhs = rhs;
            this.ro = ro;
            this.out = out;
            this.oo = oo;
            this.scratch = scratch;
            this.so = so;
        }

        void tiles(int lane, int from, int to) {
            int[] work = new int[Math.max(1, g.rank())];
            int base = so + lane * laneSize, temp = base + colSize();
            for (int tile = from; tile < to; tile++) {
                Chunk c = chunk(tile);
                if (grouped) {
                    tile(c, 0, depthChunks, scratch, temp, c.cols(), lane, work);
                    scatter(c, scratch, temp);
                } else {
                    int dst = oo + (c.n0() * g.o() + c.group() * g.og()) * g.outPositions() + c.q0();
                    tile(c, 0, depthChunks, out, dst, g.outPositions(), lane, work);
                }
            }
        }

        void partials(int lane, int from, int to) {
            int[] work = new int[Math.max(1, g.rank())];
            int partialBase = so + Parallel.threads() * laneSize;
            for (int task = from; task < to; task++) {
                int tile = task / parts, part = task % parts;
                Chunk c = chunk(tile);
                int d0 = depthChunks * part / parts, d1 = depthChunks * (part + 1) / parts;
                int dst = partialBase + task * g.og() * maxCols;
                tile(c, d0, d1, scratch, dst, c.cols(), lane, work);
            }
        }

        void sumPartials(int partialBase) {
            for (int tile = 0; tile < tileCount(); tile++) {
                Chunk c = chunk(tile);
                int first = partialBase + tile * parts * g.og() * maxCols;
                for (int p = 1; p < parts; p++) {
                    int src = first + p * g.og() * maxCols;
                    for (int x = 0; x < g.og() * c.cols(); x++) {
                        scratch[first + x] += scratch[src + x];
                    }
                }
                scatter(c, scratch, first);
            }
        }

        /** Sums depth chunks {@code [d0, d1)} of one tile into {@code [og x cols]} at {@code dst} (row stride {@code ldc}). */
        private void tile(Chunk c, int d0, int d1, float[] dstArray, int dst, int ldc, int lane, int[] work) {
            int taps = g.taps(), col = so + (mode == Mode.PARALLEL_GEMM ? 0 : lane * laneSize);
            int gemmScratch = col + colSize() + (grouped || mode == Mode.SPLIT_DEPTH ? g.og() * maxCols : 0);
            for (int d = d0; d < d1; d++) {
                int ii0 = d * featuresPerChunk, ii1 = Math.min(g.i(), ii0 + featuresPerChunk), rows = (ii1 - ii0) * taps;
                if (transposedCol) {
                    im2col.transposed(lhs, lo, c.group(), ii0, ii1, c.n0(), c.n1(), c.q0(), c.q1(), scratch, col, work);
                } else {
                    im2col.rowMajor(lhs, lo, c.group(), ii0, ii1, c.n0(), c.n1(), c.q0(), c.q1(), scratch, col, work);
                }
                int w = ro + (c.group() * g.og() * g.i() + ii0) * taps;
                Sgemm.gemm(g.og(), c.cols(), rows, rhs, w, g.i() * taps, 1,
                        scratch, col, transposedCol ? 1 : c.cols(), transposedCol ? rows : 1,
                        dstArray, dst, ldc, 1, d > d0, scratch, gemmScratch, mode == Mode.PARALLEL_GEMM);
            }
        }

        /** Copies a tile computed as {@code [og x cols]} at {@code src} to its place in the output. */
        private void scatter(Chunk c, float[] buf, int src) {
            int positions = g.outPositions(), span = c.q1() - c.q0();
            for (int nOut = c.n0(); nOut < c.n1(); nOut++) {
                for (int o = 0; o < g.og(); o++) {
                    int d = oo + (nOut * g.o() + c.group() * g.og() + o) * positions + c.q0();
                    System.arraycopy(buf, src + o * c.cols() + (nOut - c.n0()) * span, out, d, span);
                }
            }
        }
    }

    private int colSize() {
        return featuresPerChunk * Math.max(1, g.taps()) * maxCols;
    }

    /** Group, examples {@code [n0, n1)} and positions {@code [q0, q1)} of a tile. */
    private record Chunk(int group, int n0, int n1, int q0, int q1) {
        int cols() {
            return (n1 - n0) * (q1 - q0);
        }
    }

    private Chunk chunk(int tile) {
        int group = tile / chunksPerGroup, c = tile % chunksPerGroup;
        if (grouped) {
            int n0 = c * examplesPerChunk;
            return new Chunk(group, n0, Math.min(g.outBatch(), n0 + examplesPerChunk), 0, g.outPositions());
        }
        int perExample = ceilDiv(g.outPositions(), positionsPerChunk);
        int nOut = c / perExample, q0 = (c % perExample) * positionsPerChunk;
        return new Chunk(group, nOut, nOut + 1, q0, Math.min(g.outPositions(), q0 + positionsPerChunk));
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
