package dev.kiln.bench.harness;

import java.util.Arrays;
import java.util.List;

/**
 * Order statistics of a sample of timings. The benchmarks report medians because the machine is
 * shared: a few steps slowed by another process's burst move the mean, not the median.
 *
 * @param n      sample size
 * @param median the median (mean of the middle two for even n)
 * @param min    the fastest
 * @param max    the slowest
 * @param q1     the first quartile (linear interpolation between order statistics)
 * @param q3     the third quartile
 * @param mean   the arithmetic mean
 */
public record Stats(int n, double median, double min, double max, double q1, double q3, double mean) {

    /** The statistics of {@code values}; at least one value. */
    public static Stats of(double... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values to summarise");
        }
        double[] s = values.clone();
        Arrays.sort(s);
        double sum = 0;
        for (double v : s) {
            sum += v;
        }
        return new Stats(s.length, quantile(s, 0.5), s[0], s[s.length - 1], quantile(s, 0.25), quantile(s, 0.75),
                sum / s.length);
    }

    public static Stats of(List<Double> values) {
        return of(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** The {@code p}-quantile of sorted values, interpolating linearly between order statistics (type 7). */
    static double quantile(double[] sorted, double p) {
        double h = (sorted.length - 1) * p;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    /** The same statistics with every value multiplied by {@code k} (e.g. step time to epoch time). */
    public Stats scaled(double k) {
        return new Stats(n, median * k, min * k, max * k, q1 * k, q3 * k, mean * k);
    }

    /** Interquartile range over the median: how noisy the sample was. */
    public double relativeSpread() {
        return median == 0 ? 0 : (q3 - q1) / median;
    }
}
