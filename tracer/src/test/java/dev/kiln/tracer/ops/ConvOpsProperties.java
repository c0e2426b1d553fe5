package dev.kiln.tracer.ops;

import static dev.kiln.tracer.TestData.assertClose;
import static dev.kiln.tracer.TestData.f32;

import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.TestData;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** conv2d and pooling over random geometries, against the direct loops of {@link ConvOpsTest}. */
class ConvOpsProperties {

    @Property(tries = 60)
    void conv2dMatchesNaiveLoopForAnyGeometry(@ForAll @IntRange(min = 1, max = 2) int n,
                                              @ForAll @IntRange(min = 1, max = 3) int groups,
                                              @ForAll @IntRange(min = 1, max = 2) int inPerGroup,
                                              @ForAll @IntRange(min = 1, max = 2) int outPerGroup,
                                              @ForAll @IntRange(min = 1, max = 7) int h,
                                              @ForAll @IntRange(min = 1, max = 7) int w,
                                              @ForAll @IntRange(min = 1, max = 3) int kh,
                                              @ForAll @IntRange(min = 1, max = 3) int kw,
                                              @ForAll @IntRange(min = 1, max = 3) int sh,
                                              @ForAll @IntRange(min = 1, max = 2) int sw,
                                              @ForAll @IntRange(min = 0, max = 2) int top,
                                              @ForAll @IntRange(min = 0, max = 2) int left,
                                              @ForAll @IntRange(min = 1, max = 2) int dh,
                                              @ForAll @IntRange(min = 1, max = 2) int dw,
                                              @ForAll long seed) {
        int bottom = (top + 1) % 3, right = left / 2;
        Assume.that((kh - 1) * dh + 1 <= h + top + bottom && (kw - 1) * dw + 1 <= w + left + right);
        Tensor x = TestData.randomF32(seed, n, groups * inPerGroup, h, w);
        Tensor k = TestData.randomF32(seed + 1, groups * outPerGroup, inPerGroup, kh, kw);
        int[] stride = {sh, sw}, pad = {top, bottom, left, right}, dil = {dh, dw};
        int[] shape = new int[4];
        double[] expected = ConvOpsTest.naiveConv(x, k, stride, pad, dil, groups, shape);
        assertClose(f32(shape), expected, ConvOps.conv2d(x, k, stride, pad, dil, groups), 1e-5);
    }

    @Property(tries = 60)
    void poolingMatchesNaiveLoopForAnyGeometry(@ForAll @IntRange(min = 1, max = 6) int h,
                                               @ForAll @IntRange(min = 1, max = 6) int w,
                                               @ForAll @IntRange(min = 1, max = 3) int kernel,
                                               @ForAll @IntRange(min = 1, max = 3) int stride,
                                               @ForAll @IntRange(min = 0, max = 1) int padding,
                                               @ForAll boolean max,
                                               @ForAll long seed) {
        Assume.that(2 * padding <= kernel && kernel <= h + 2 * padding && kernel <= w + 2 * padding);
        Tensor x = TestData.randomF32(seed, 2, 2, h, w);
        int[] shape = new int[4];
        double[] expected = ConvOpsTest.naivePool(x, kernel, stride, padding, max, shape);
        Tensor y = max ? ConvOps.maxPool2d(x, kernel, stride, padding) : ConvOps.avgPool2d(x, kernel, stride, padding);
        assertClose(f32(shape), expected, y, 1e-6);
    }
}
