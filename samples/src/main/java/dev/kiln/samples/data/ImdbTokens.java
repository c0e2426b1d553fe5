package dev.kiln.samples.data;

import dev.kiln.ir.ArrayData;
import java.nio.file.Path;

/**
 * IMDb reviews as token ids: {@code train.txt} and {@code test.txt} (optionally gzipped), one
 * review a line: the label (0 negative, 1 positive), then the review's token ids, all separated
 * by spaces or tabs. Ids must lie in {@code [0, vocabulary)}; 0 is the padding id. Each review is
 * fitted to the model's sequence length as Keras' {@code pad_sequences} does by default, which the
 * paper's data pipeline used: shorter reviews are padded with 0 at the front, longer ones keep
 * their LAST tokens. Blank lines are skipped.
 */
public final class ImdbTokens {
    private ImdbTokens() {
    }

    public static RealData.Split load(Path dir, int seqLen, int vocabulary) {
        return new RealData.Split(read(DataFiles.find(dir, "train.txt"), seqLen, vocabulary, "IMDb train"),
                read(DataFiles.find(dir, "test.txt"), seqLen, vocabulary, "IMDb test"));
    }

    static Dataset read(Path file, int seqLen, int vocabulary, String what) {
        String[] lines = DataFiles.readText(file).split("\r?\n");
        int[] x = new int[lines.length * seqLen];
        int[] y = new int[lines.length];
        int n = 0;
        for (int li = 0; li < lines.length; li++) {
            String line = lines[li].strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] tok = line.split("[ \t]+");
            y[n] = parseInt(tok[0], file, li, "label");
            if (y[n] != 0 && y[n] != 1) {
                throw DataFiles.error(file, "line " + (li + 1) + ": the label (first field) must be 0 or 1, got " + y[n]);
            }
            int len = tok.length - 1;
            int keep = Math.min(len, seqLen);
            int pad = seqLen - keep;
            for (int t = 0; t < keep; t++) {
                int id = parseInt(tok[1 + len - keep + t], file, li, "token id");
                if (id < 0 || id >= vocabulary) {
                    throw DataFiles.error(file, "line " + (li + 1) + ": token id " + id + " is outside the vocabulary [0, "
                            + vocabulary + ")", "map rare words to an out-of-vocabulary id below " + vocabulary);
                }
                x[n * seqLen + pad + t] = id;
            }
            n++;
        }
        if (n == 0) {
            throw DataFiles.error(file, "no examples");
        }
        return new Dataset(ArrayData.of(java.util.Arrays.copyOf(x, n * seqLen), n, seqLen),
                ArrayData.of(java.util.Arrays.copyOf(y, n), n), 2, what + " (" + n + " reviews)");
    }

    private static int parseInt(String s, Path file, int line, String what) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw DataFiles.error(file, "line " + (line + 1) + ": " + what + " '" + s + "' is not an integer");
        }
    }
}
