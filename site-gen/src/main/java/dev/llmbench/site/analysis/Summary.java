package dev.llmbench.site.analysis;

import dev.llmbench.results.Statistics;

import java.util.List;

/**
 * Median, sample standard deviation (n - 1), min and max of one metric across runs, with the raw samples.
 * Imported legacy summaries have no samples ({@code samples} empty) and may carry a population stddev
 * ({@code populationStddev} true), which the pages flag.
 */
public record Summary(int n, double median, double stddev, double min, double max, List<Double> samples,
                      boolean populationStddev) {
    public Summary {
        samples = samples == null ? List.of() : List.copyOf(samples);
    }

    public static Summary of(List<Double> samples) {
        Statistics s = Statistics.of(samples);
        return new Summary(s.n(), s.median(), s.stddev(), s.min(), s.max(), samples, false);
    }

    /** A summary known only by its median and spread (imported files). */
    public static Summary ofMedian(double median, double stddev, boolean populationStddev) {
        return new Summary(0, median, stddev, median, median, List.of(), populationStddev);
    }
}
