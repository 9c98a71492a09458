package dev.llmbench.results;

import java.util.Arrays;
import java.util.Collection;

/**
 * Summary statistics of one sample: median, sample standard deviation (n - 1), min, max, mean, percentiles; and the
 * two-sample test that decides "is this different" (the Mann-Whitney U test, exact for up to 20 samples a side, the
 * diff's verdicts). The one place such numbers are computed.
 */
public record Statistics(int n, double mean, double median, double stddev, double min, double max, double[] sorted) {
    /** Up to this many samples a side the Mann-Whitney p-value is exact; beyond, the normal approximation. */
    public static final int MANN_WHITNEY_EXACT_MAX = 20;

    public static Statistics of(Collection<Double> values) {
        return of(toArray(values));
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

    /**
     * Population standard deviation (divided by n, not n - 1): for the spread of a whole set rather than a sample of
     * runs, e.g. the decode TPS of every scenario.
     */
    public double populationStddev() {
        return n > 1 ? stddev * Math.sqrt((n - 1) / (double) n) : 0.0;
    }

    /** Population coefficient of variation: population stddev / mean. */
    public double populationCv() {
        return mean == 0 ? Double.NaN : populationStddev() / mean;
    }

    public static SignificanceResult mannWhitneyU(Collection<Double> a, Collection<Double> b) {
        return mannWhitneyU(toArray(a), toArray(b));
    }

    /**
     * Mann-Whitney U test (Wilcoxon rank-sum), two-sided. The statistic U counts pairs (a_i, b_j) with a_i > b_j,
     * ties counting one half. With at most {@value #MANN_WHITNEY_EXACT_MAX} samples a side the p-value is exact:
     * the share of all C(na + nb, na) ways to split the pooled (mid)ranks whose rank sum lies at least as far from
     * its mean as the observed one (ties included). Beyond, the normal approximation with tie and continuity
     * correction. At 5 runs a side the smallest p is 2 / C(10, 5) = 2 / 252 = 0.0079.
     */
    public static SignificanceResult mannWhitneyU(double[] a, double[] b) {
        requireSample(a, 1, "a");
        requireSample(b, 1, "b");
        int na = a.length;
        int nb = b.length;
        int total = na + nb;
        double[] pooled = new double[total];
        boolean[] fromA = new boolean[total];
        Integer[] order = new Integer[total];
        for (int i = 0; i < total; i++) {
            pooled[i] = i < na ? a[i] : b[i - na];
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(pooled[x], pooled[y]));
        // Doubled mid-ranks are integers: exact arithmetic for the rank sums.
        long[] rank2 = new long[total];
        long tieTerm = 0;
        for (int i = 0; i < total; ) {
            int j = i;
            while (j + 1 < total && pooled[order[j + 1]] == pooled[order[i]]) {
                j++;
            }
            long ties = j - i + 1;
            tieTerm += ties * ties * ties - ties;
            for (int k = i; k <= j; k++) {
                rank2[k] = (i + 1) + (j + 1);
                fromA[k] = order[k] < na;
            }
            i = j + 1;
        }
        long rankSum2 = 0;
        for (int k = 0; k < total; k++) {
            if (fromA[k]) {
                rankSum2 += rank2[k];
            }
        }
        double u = rankSum2 / 2.0 - na * (na + 1) / 2.0;
        double p = na <= MANN_WHITNEY_EXACT_MAX && nb <= MANN_WHITNEY_EXACT_MAX
                ? exactRankSumP(rank2, na, rankSum2)
                : normalRankSumP(u, na, nb, tieTerm);
        return new SignificanceResult(u, Math.min(1, p));
    }

    /** P(|R - E R| >= |r - E R|) over all na-subsets of the doubled ranks, by counting subsets per rank sum. */
    private static double exactRankSumP(long[] rank2, int na, long observed2) {
        int maxSum = 0;
        for (long r : rank2) {
            maxSum += (int) r;
        }
        // ways[k][s]: number of k-subsets of the ranks seen so far whose doubled sum is s.
        long[][] ways = new long[na + 1][maxSum + 1];
        ways[0][0] = 1;
        int seen = 0;
        for (long r : rank2) {
            seen++;
            int rank = (int) r;
            for (int k = Math.min(seen, na); k >= 1; k--) {
                for (int s = maxSum; s >= rank; s--) {
                    ways[k][s] += ways[k - 1][s - rank];
                }
            }
        }
        // E[doubled rank sum] = na * (N + 1); doubled again to stay integral when it is a half.
        long mean4 = (long) na * (rank2.length + 1) * 2;
        long distance4 = Math.abs(observed2 * 2 - mean4);
        long extreme = 0;
        long all = 0;
        for (int s = 0; s <= maxSum; s++) {
            all += ways[na][s];
            if (Math.abs(2L * s - mean4) >= distance4) {
                extreme += ways[na][s];
            }
        }
        return (double) extreme / all;
    }

    private static double normalRankSumP(double u, int na, int nb, long tieTerm) {
        double total = na + nb;
        double variance = (double) na * nb / 12 * ((total + 1) - tieTerm / (total * (total - 1)));
        double centered = u - (double) na * nb / 2;
        if (variance <= 0 || centered == 0) {
            return 1;
        }
        double z = (centered - Math.copySign(0.5, centered)) / Math.sqrt(variance);
        return 2 * Distributions.normalCdf(-Math.abs(z));
    }

    private static void requireSample(double[] values, int min, String name) {
        if (values.length < min) {
            throw new IllegalArgumentException("sample " + name + " needs at least " + min + " values, got " + values.length);
        }
        for (double v : values) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("sample " + name + " has a non-finite value " + v);
            }
        }
    }

    private static double[] toArray(Collection<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
