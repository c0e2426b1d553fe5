package dev.kiln.codegen.jvm.library;

import dev.kiln.codegen.jvm.Vectorization;
import dev.kiln.codegen.jvm.kernels.Parallel;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.random.Threefry;

/**
 * random_bits and random_split on key arrays {@code i32[K..., 2]}, with the interpreter's
 * definitions: the bit words of key {@code k} are {@link Threefry#bits} (each block gives two words,
 * {@code j} and {@code m + j}), split key {@code j} is {@code threefry(k, (j, 1))}. Blocks are
 * independent, so they split across cores.
 */
final class RandomCalls {
    /** About the operations of one Threefry block (20 rounds of 3, 5 key injections). */
    private static final long BLOCK_WORK = 80;

    private RandomCalls() {
    }

    static LibraryCall bits(TensorType key, TensorType out) {
        int keys = key.numel() / 2;
        int perKey = keys == 0 ? 0 : out.numel() / keys;
        int blocks = Threefry.blocks(perKey);
        boolean lanes = Vectorization.enabled();
        // Split the blocks of all keys, not the keys: one key often draws every word (a noise tensor).
        int total = keys * blocks;
        int grain = Parallel.grainFor(BLOCK_WORK);
        return (arrays, offsets, scratch) -> {
            int[] k = (int[]) arrays[0], bits = (int[]) arrays[1];
            int ko = offsets[0], bo = offsets[1];
            Parallel.parallelFor(total, grain, (lane, from, to) -> {
                for (int f = from; f < to; ) {
                    int i = f / blocks, j0 = f - i * blocks;
                    int j1 = Math.min(blocks, j0 + (to - f));
                    int k0 = k[ko + 2 * i], k1 = k[ko + 2 * i + 1];
                    int base = bo + i * perKey;
                    if (lanes) {
                        ThreefryLanes.bits(k0, k1, perKey, bits, base, j0, j1);
                    } else {
                        Threefry.bits(k0, k1, perKey, bits, base, j0, j1);
                    }
                    f += j1 - j0;
                }
            });
        };
    }

    static LibraryCall split(TensorType key, int count) {
        int keys = key.numel() / 2;
        return (arrays, offsets, scratch) -> {
            int[] k = (int[]) arrays[0], out = (int[]) arrays[1];
            int ko = offsets[0], oo = offsets[1];
            for (int i = 0; i < keys; i++) {
                int k0 = k[ko + 2 * i], k1 = k[ko + 2 * i + 1];
                for (int j = 0; j < count; j++) {
                    long b = Threefry.block(k0, k1, j, 1);
                    out[oo + 2 * (i * count + j)] = Threefry.word0(b);
                    out[oo + 2 * (i * count + j) + 1] = Threefry.word1(b);
                }
            }
        };
    }
}
