package dev.kiln.codegen.jvm.library;

import dev.kiln.ir.TensorType;
import dev.kiln.ir.random.Threefry;

/**
 * random_bits and random_split on key arrays {@code i32[K..., 2]}, with the interpreter's
 * definitions: bit word {@code j} of key {@code k} is {@code word0(threefry(k, (j, 0)))}, split key
 * {@code j} is {@code threefry(k, (j, 1))}. Keys are independent, so they split across cores.
 */
final class RandomCalls {
    private RandomCalls() {
    }

    static LibraryCall bits(TensorType key, TensorType out) {
        int keys = key.numel() / 2;
        int perKey = keys == 0 ? 0 : out.numel() / keys;
        return (arrays, offsets, scratch) -> {
            int[] k = (int[]) arrays[0], bits = (int[]) arrays[1];
            int ko = offsets[0], bo = offsets[1];
            for (int i = 0; i < keys; i++) {
                int k0 = k[ko + 2 * i], k1 = k[ko + 2 * i + 1];
                int base = bo + i * perKey;
                for (int j = 0; j < perKey; j++) {
                    bits[base + j] = Threefry.word0(Threefry.block(k0, k1, j, 0));
                }
            }
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
