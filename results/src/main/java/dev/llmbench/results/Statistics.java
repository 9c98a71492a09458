package dev.llmbench.results;

import java.util.Arrays;
import java.util.Collection;

/**
 * Summary statistics of one sample: median, sample standard deviation (n - 1), min, max, mean, percentiles.
 * The one place such numbers are computed.
 */
public record Statistics(int n, double mean, double median, double stddev, double min, double max, double[] sorted) {

    public static Statistics of(Collection<Double> values) {
        return of(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    public static Statistics of(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        double[] s = values.clone();
        Arrays.sort(s);
        double sum = 0;
        for (double v : s) {
            sum += v;
        }
        double mean = sum / s.length;
        double ss = 0;
        for (double v : s) {
            ss += (v - mean) * (v - mean);
        }
        double sd = s.length > 1 ? Math.sqrt(ss / (s.length - 1)) : 0.0;
        return new Statistics(s.length, mean, percentileOfSorted(s, 50), sd, s[0], s[s.length - 1], s);
    }

    /** Percentile {@code p} in [0, 100] by linear interpolation between closest ranks. */
    public double percentile(double p) {
        return percentileOfSorted(sorted, p);
    }

    static double percentileOfSorted(double[] s, double p) {
        if (p < 0 || p > 100) {
            throw new IllegalArgumentException("percentile must be in [0, 100], got " + p);
        }
        double rank = p / 100.0 * (s.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = (int) Math.ceil(rank);
        return s[lo] + (s[hi] - s[lo]) * (rank - lo);
    }

    /** Coefficient of variation: sample stddev / mean. */
    public double cv() {
        return mean == 0 ? Double.NaN : stddev / mean;
    }
}
