package dev.kiln.codegen.jvm;

import dev.kiln.ir.DType;
import dev.kiln.codegen.jvm.library.LibraryCall;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The memory of one run of an executable: one arena per dtype holding every intermediate (as the
 * buffer plan places them), plus scratch for library kernels (shared, and private for those that
 * keep theirs zeroed). A run takes a workspace from its
 * executable's pool and gives it back, so concurrent runs never share one and repeated runs
 * allocate nothing.
 */
final class Workspace {
    final float[] f32;
    final double[] f64;
    final int[] i32;
    final boolean[] bool;
    private final Map<DType, Object> scratch = new EnumMap<>(DType.class);
    /** Private scratch of the calls that keep theirs all zeros, made on first use (a run uses its workspace alone). */
    private final Map<LibraryCall, Object> zeroed = new IdentityHashMap<>();

    Workspace(Map<DType, Integer> sizes, Map<DType, Integer> scratchSizes) {
        f32 = new float[sizes.getOrDefault(DType.F32, 0)];
        f64 = new double[sizes.getOrDefault(DType.F64, 0)];
        i32 = new int[sizes.getOrDefault(DType.I32, 0)];
        bool = new boolean[sizes.getOrDefault(DType.BOOL, 0)];
        scratchSizes.forEach((d, n) -> scratch.put(d, switch (d) {
            case F32 -> new float[n];
            case F64 -> new double[n];
            case I32 -> new int[n];
            case BOOL -> new boolean[n];
        }));
    }

    /** Library kernels' working memory of dtype {@code d} (null if none needs any). */
    Object scratch(DType d) {
        return scratch.get(d);
    }

    /** The private, all-zero scratch of a call that {@linkplain LibraryCall#keepsScratchZero keeps it so}. */
    Object zeroedScratch(LibraryCall call) {
        return zeroed.computeIfAbsent(call, c -> switch (c.scratchType()) {
            case F32 -> new float[c.scratchSize()];
            case F64 -> new double[c.scratchSize()];
            case I32 -> new int[c.scratchSize()];
            case BOOL -> new boolean[c.scratchSize()];
        });
    }

    Object arena(DType d) {
        return switch (d) {
            case F32 -> f32;
            case F64 -> f64;
            case I32 -> i32;
            case BOOL -> bool;
        };
    }

    /** A bounded pool of workspaces of one size. */
    static final class Pool {
        private final Map<DType, Integer> sizes = new EnumMap<>(DType.class);
        private final Map<DType, Integer> scratchSizes = new EnumMap<>(DType.class);
        private final ConcurrentLinkedQueue<Workspace> free = new ConcurrentLinkedQueue<>();
        private final int max = Math.max(2, 2 * Runtime.getRuntime().availableProcessors());

        Pool(Map<DType, Integer> sizes, Map<DType, Integer> scratchSizes) {
            this.sizes.putAll(sizes);
            this.scratchSizes.putAll(scratchSizes);
        }

        Workspace acquire() {
            Workspace w = free.poll();
            return w != null ? w : new Workspace(sizes, scratchSizes);
        }

        void release(Workspace w) {
            if (free.size() < max) {
                free.offer(w);
            }
        }
    }
}
