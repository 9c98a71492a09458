package dev.llmbench.results;

import org.apache.commons.statistics.inference.MannWhitneyUTest;
import org.apache.commons.statistics.ranking.NaNStrategy;
import org.apache.commons.statistics.ranking.NaturalRanking;
import org.apache.commons.statistics.ranking.RankingAlgorithm;
import org.apache.commons.statistics.ranking.TiesStrategy;

import java.util.Arrays;
import java.util.Collection;

/**
 * Summary statistics of one sample: median, sample standard deviation (n - 1), min, max, mean, percentiles; and the
 * two-sample test that decides "is this different" (the Mann-Whitney U test of the diff's verdicts, exact at the
 * sample sizes of benchmark runs). The one place such numbers are computed.
 */
public record Statistics(int n, double mean, double median, double stddev, double min, double max, double[] sorted) {
    /** Up to this many samples a side the Mann-Whitney p-value of tied samples is counted exactly here. */
    public static final int EXACT_WITH_TIES_MAX = 20;
    /** Two-sided, normal approximation with continuity correction where it is not exact (the library's defaults). */
    private static final MannWhitneyUTest MANN_WHITNEY = MannWhitneyUTest.withDefaults();
    private static final RankingAlgorithm MID_RANKS = new NaturalRanking(NaNStrategy.FAILED, TiesStrategy.AVERAGE);

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
     * ties counting one half. The p-value is exact: the share of all C(na + nb, na) ways to split the pooled
     * (mid)ranks whose rank sum lies at least as far from its mean as the observed one. At 5 runs a side the smallest
     * p is 2 / C(10, 5) = 2 / 252 = 0.0079.
     *
     * <p>Without ties this is Apache Commons Statistics' exact test (up to 49 a side; beyond, its normal
     * approximation with continuity correction). With ties Commons Statistics has no exact p and falls back to the
     * normal approximation, which is coarse at a few runs a side; up to {@value #EXACT_WITH_TIES_MAX} a side we then
     * count the splits of the mid-ranks here (the permutation distribution given the ties), and beyond use its
     * tie-corrected normal approximation. {@code MannWhitneyAgainstCommonsTest} shows where the two agree and where
     * they differ.
     */
    public static SignificanceResult mannWhitneyU(double[] a, double[] b) {
        requireSample(a, 1, "a");
        requireSample(b, 1, "b");
        MannWhitneyUTest.Result r = MANN_WHITNEY.test(a, b);
        double p = r.hasTiedValues() && a.length <= EXACT_WITH_TIES_MAX && b.length <= EXACT_WITH_TIES_MAX
                ? exactTiedP(a, b) : r.getPValue();
        return new SignificanceResult(r.getStatistic(), Math.min(1, p));
    }

    /** The exact two-sided p of the rank sum of {@code a} over the pooled mid-ranks, ties included. */
    private static double exactTiedP(double[] a, double[] b) {
        double[] pooled = new double[a.length + b.length];
        System.arraycopy(a, 0, pooled, 0, a.length);
        System.arraycopy(b, 0, pooled, a.length, b.length);
        double[] ranks = MID_RANKS.apply(pooled);
        // Doubled mid-ranks are integers: exact arithmetic for the rank sums.
        long[] rank2 = new long[ranks.length];
        long observed2 = 0;
        for (int i = 0; i < ranks.length; i++) {
            rank2[i] = Math.round(2 * ranks[i]);
            observed2 += i < a.length ? rank2[i] : 0;
        }
        return exactRankSumP(rank2, a.length, observed2);
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
