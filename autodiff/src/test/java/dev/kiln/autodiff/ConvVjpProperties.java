package dev.kiln.autodiff;

import static dev.kiln.autodiff.GradCheck.checkPrimitive;
import static dev.kiln.autodiff.GradCheck.normal;

import dev.kiln.ir.Ints;
import dev.kiln.ir.prim.ConvGeneralDilated;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The VJP of conv_general_dilated with respect to the input and the kernel, in f64 against finite
 * differences: random strides, padding (negative included), input and kernel dilation, feature
 * groups and batch groups, in one and two spatial dimensions.
 */
class ConvVjpProperties {

    @Property(tries = 80)
    void convVjpMatchesFiniteDifferences(@ForAll long seed) {
        Random r = new Random(seed);
        int n = 1 + r.nextInt(2);
        int mode = r.nextInt(3);
        int groups = 2 + r.nextInt(2);
        int g = mode == 1 ? groups : 1, b = mode == 2 ? groups : 1;
        int perGroupIn = 1 + r.nextInt(2), perGroupOut = 1 + r.nextInt(2);
        int batch = (1 + r.nextInt(2)) * b;
        int[] lhs = new int[n + 2], rhs = new int[n + 2];
        lhs[0] = batch;
        lhs[1] = perGroupIn * g;
        rhs[0] = perGroupOut * g * b;
        rhs[1] = perGroupIn;
        int[] strides = new int[n], lo = new int[n], hi = new int[n], ld = new int[n], rd = new int[n];
        for (int i = 0; i < n; i++) {
            strides[i] = 1 + r.nextInt(3);
            ld[i] = r.nextInt(3) == 0 ? 2 : 1;
            rd[i] = r.nextInt(3) == 0 ? 2 : 1;
            rhs[i + 2] = 1 + r.nextInt(3);
            lhs[i + 2] = 2 + r.nextInt(5);
            lo[i] = r.nextInt(4) - 1;
            hi[i] = r.nextInt(4) - 1;
            int window = (rhs[i + 2] - 1) * rd[i] + 1;
            while ((lhs[i + 2] - 1) * ld[i] + 1 + lo[i] + hi[i] < window) {
                hi[i]++;
            }
        }
        var p = new ConvGeneralDilated(Ints.of(strides), Ints.of(lo), Ints.of(hi), Ints.of(ld), Ints.of(rd), g, b);
        boolean[] wrt = switch (r.nextInt(3)) {
            case 0 -> new boolean[] {true, false};
            case 1 -> new boolean[] {false, true};
            default -> new boolean[] {true, true};
        };
        checkPrimitive(p, List.of(normal(r, lhs), normal(r, rhs)), wrt, r);
    }

    @Example
    void mnistFirstLayerShapedConvVjpMatches() {
        // Conv(1->4, 8x8, stride 2, pad 3) on 12x12 images, as the MNIST model's first layer, smaller.
        Random r = new Random(7);
        var p = new ConvGeneralDilated(Ints.of(2, 2), Ints.of(3, 3), Ints.of(3, 3), Ints.of(1, 1), Ints.of(1, 1), 1, 1);
        checkPrimitive(p, List.of(normal(r, 2, 1, 12, 12), normal(r, 4, 1, 8, 8)), new boolean[] {true, true}, r);
    }
}
