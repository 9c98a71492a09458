package dev.llmbench.results;

/**
 * Outcome of a two-sample test of "are these two samples different".
 *
 * @param statistic the test statistic: the Mann-Whitney U of the first sample
 * @param pValue    two-sided p-value in [0, 1]
 */
public record SignificanceResult(double statistic, double pValue) {
    public SignificanceResult {
        if (!(pValue >= 0 && pValue <= 1)) {
            throw new IllegalArgumentException("p-value must be in [0, 1], got " + pValue);
        }
    }

    /** True when the difference is significant at level {@code alpha} (p < alpha). */
    public boolean significantAt(double alpha) {
        return pValue < alpha;
    }
}
