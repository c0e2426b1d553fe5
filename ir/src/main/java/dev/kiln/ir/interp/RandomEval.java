package dev.kiln.ir.interp;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.random.Threefry;

/**
 * Evaluation of random_bits and random_split on key arrays {@code i32[K..., 2]}, each key
 * {@code (k0, k1)} being the last dimension's pair. For key {@code k}: the bit words are
 * {@link Threefry#bits} (two words a block, JAX's layout), and split key {@code j} is
 * {@code threefry(k, (j, 1))}.
 */
final class RandomEval {
    private RandomEval() {
    }

    static ArrayData randomBits(ArrayData keys, TensorType out) {
        int[] k = keys.intStorage();
        int nKeys = k.length / 2;
        int perKey = nKeys == 0 ? 0 : out.numel() / nKeys;
        int[] bits = new int[out.numel()];
        for (int key = 0; key < nKeys; key++) {
            Threefry.bits(k[2 * key], k[2 * key + 1], perKey, bits, key * perKey, 0, Threefry.blocks(perKey));
        }
        return ArrayData.wrap(out, bits);
    }

    static ArrayData randomSplit(int count, ArrayData keys, TensorType out) {
        int[] k = keys.intStorage();
        int nKeys = k.length / 2;
        int[] split = new int[out.numel()];
        for (int key = 0; key < nKeys; key++) {
            for (int j = 0; j < count; j++) {
                long block = Threefry.block(k[2 * key], k[2 * key + 1], j, 1);
                split[(key * count + j) * 2] = Threefry.word0(block);
                split[(key * count + j) * 2 + 1] = Threefry.word1(block);
            }
        }
        return ArrayData.wrap(out, split);
    }
}
