package dev.kiln.ir.interp;

/**
 * The geometry of a sliding window, shared by convolution (over the spatial dimensions) and by
 * pooling (over every dimension): for one output position, which window taps land on real input
 * elements and at which flat input offsets. Along a dimension, output position {@code o} and tap
 * {@code k} read coordinate {@code p = o*stride + k*rhsDilation - padLow} of the padded, dilated
 * input, which is a real element {@code p / lhsDilation} when {@code p} is a multiple of
 * {@code lhsDilation} within the dilated extent, and padding or a dilation hole otherwise.
 *
 * <p>Not thread-safe (it reuses a scratch index); each evaluation makes its own.
 */
final class WindowTaps {
    private final int[] windowDims;
    private final int[] inStrides;
    /** {@code coordinate[d][o * windowDims[d] + k]}: the input coordinate read, or -1. */
    private final int[][] coordinate;
    private final int[] tapIndex;
    private final int windowSize;

    /**
     * @param inDims      the input's sizes along the windowed dimensions
     * @param inStrides   the input's flat strides along those dimensions
     * @param outDims     the output's sizes along them
     */
    WindowTaps(int[] inDims, int[] inStrides, int[] outDims, int[] windowDims, int[] strides, int[] padLow,
               int[] lhsDilation, int[] rhsDilation) {
        int rank = inDims.length;
        this.windowDims = windowDims.clone();
        this.inStrides = inStrides.clone();
        this.coordinate = new int[rank][];
        this.tapIndex = new int[rank];
        int size = 1;
        for (int d = 0; d < rank; d++) {
            size *= windowDims[d];
            int extent = inDims[d] == 0 ? 0 : (inDims[d] - 1) * lhsDilation[d] + 1;
            coordinate[d] = new int[outDims[d] * windowDims[d]];
            for (int o = 0; o < outDims[d]; o++) {
                for (int k = 0; k < windowDims[d]; k++) {
                    int p = o * strides[d] + k * rhsDilation[d] - padLow[d];
                    boolean real = p >= 0 && p < extent && p % lhsDilation[d] == 0;
                    coordinate[d][o * windowDims[d] + k] = real ? p / lhsDilation[d] : -1;
                }
            }
        }
        this.windowSize = size;
    }

    /** The number of taps in one window (the product of the window dimensions). */
    int windowSize() {
        return windowSize;
    }

    /**
     * For the output position {@code outIdx}, writes the taps that read real input elements, in
     * row-major window order: {@code taps[t]} the flat tap index within the window,
     * {@code offsets[t]} the flat input offset (relative to the windowed block). Returns their count.
     */
    int collect(int[] outIdx, int[] taps, int[] offsets) {
        int rank = windowDims.length;
        java.util.Arrays.fill(tapIndex, 0);
        int count = 0;
        for (int t = 0; t < windowSize; t++) {
            int offset = 0;
            for (int d = 0; d < rank; d++) {
                int c = coordinate[d][outIdx[d] * windowDims[d] + tapIndex[d]];
                if (c < 0) {
                    offset = -1;
                    break;
                }
                offset += c * inStrides[d];
            }
            if (offset >= 0) {
                taps[count] = t;
                offsets[count] = offset;
                count++;
            }
            IndexMaps.next(tapIndex, windowDims);
        }
        return count;
    }
}
