package dev.llmbench.results;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class StatisticsTest {
    @Test
    void sampleStatisticsOfKnownValues() {
        // reference: R> x <- c(2,4,4,4,5,5,7,9); median(x) = 4.5; sd(x) = 2.138090
        Statistics s = Statistics.of(new double[] {2, 4, 4, 4, 5, 5, 7, 9});
        assertThat(s.median()).isEqualTo(4.5);
        assertThat(s.stddev()).isCloseTo(2.1380899352993950, within(1e-12));
        assertThat(s.min()).isEqualTo(2);
        assertThat(s.max()).isEqualTo(9);
        assertThat(s.mean()).isEqualTo(5);
    }

    @Test
    void percentilesInterpolateBetweenClosestRanks() {
        // R type 7 (the default of quantile()): rank = p * (n - 1); for 1..5, p = 0.9 -> rank 3.6 -> 4.6
        Statistics s = Statistics.of(List.of(5.0, 1.0, 4.0, 2.0, 3.0));
        assertThat(s.percentile(0)).isEqualTo(1);
        assertThat(s.percentile(25)).isEqualTo(2);
        assertThat(s.percentile(90)).isCloseTo(4.6, within(1e-12));
        assertThat(s.percentile(100)).isEqualTo(5);
        assertThat(s.cv()).isCloseTo(Math.sqrt(2.5) / 3, within(1e-12));
        assertThatThrownBy(() -> s.percentile(101)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mannWhitneyReachesSignificanceWithFiveRunsASide() {
        // Fully separated 5 vs 5: only 1 of the C(10,5) = 252 splits is this extreme on each side -> p = 2/252.
        double[] before = {41.2, 40.8, 41.5, 41.0, 40.9};
        double[] after = {38.1, 38.4, 37.9, 38.6, 38.0};
        SignificanceResult r = Statistics.mannWhitneyU(before, after);
        assertThat(r.statistic()).isEqualTo(25);
        assertThat(r.pValue()).isCloseTo(2.0 / 252, within(1e-15));
        assertThat(r.significantAt(0.05)).isTrue();
        assertThat(Statistics.mannWhitneyU(after, before).statistic()).isZero();
        assertThat(Statistics.mannWhitneyU(after, before).pValue()).isCloseTo(2.0 / 252, within(1e-15));
    }

    @ParameterizedTest
    @CsvSource({
            // a is five of 1..10, b the other five; U = pairs with a > b. The number of splits giving U is the number
            // of partitions of U into at most 5 parts of at most 5: U = 0: 1, 1: 1, 2: 2 ({2}, {1,1}), 3: 3 ({3},
            // {2,1}, {1,1,1}); cumulative 1, 2, 4, 7. Two-sided p = 2 * cumulative / C(10,5) = 2 * cumulative / 252.
            "'1,2,3,4,5', 0, 2",    // fully separated: p = 2/252 = 0.0079
            "'1,2,3,4,6', 1, 4",    // 6 > 5: p = 4/252 = 0.0159
            "'1,2,3,5,6', 2, 8",    // 5 > 4, 6 > 4: p = 8/252 = 0.0317, still below 0.05
            "'1,2,3,4,8', 3, 14",   // 8 > 5, 6, 7: p = 14/252 = 0.0556, no longer below 0.05
    })
    void mannWhitneyExactTailsByHandEnumeration(String aText, double u, int extremeSplits) {
        double[] a = java.util.Arrays.stream(aText.split(",")).mapToDouble(Double::parseDouble).toArray();
        double[] b = java.util.stream.IntStream.rangeClosed(1, 10).asDoubleStream()
                .filter(v -> java.util.Arrays.stream(a).noneMatch(x -> x == v)).toArray();
        SignificanceResult r = Statistics.mannWhitneyU(a, b);
        assertThat(r.statistic()).isEqualTo(u);
        assertThat(r.pValue()).isCloseTo(extremeSplits / 252.0, within(1e-15));
        assertThat(r.significantAt(0.05)).isEqualTo(u <= 2);
        // mirror image: U' = 25 - U, same p
        SignificanceResult mirrored = Statistics.mannWhitneyU(b, a);
        assertThat(mirrored.statistic()).isEqualTo(25 - u);
        assertThat(mirrored.pValue()).isCloseTo(r.pValue(), within(1e-15));
    }

    @Test
    void mannWhitneyExactWithTiesByHandEnumeration() {
        // a = {1, 2}, b = {2, 3}: mid-ranks 1, 2.5, 2.5, 4; rank sum of a = 3.5, U = 0.5, mean rank sum 5.
        // The 6 splits give rank sums 3.5, 3.5, 5, 5, 6.5, 6.5; four are >= 1.5 from 5 -> p = 4/6.
        // (scipy.stats.mannwhitneyu([1, 2], [2, 3], method='exact') also gives 0.6666666666666666)
        SignificanceResult r = Statistics.mannWhitneyU(new double[] {1, 2}, new double[] {2, 3});
        assertThat(r.statistic()).isEqualTo(0.5);
        assertThat(r.pValue()).isCloseTo(4.0 / 6, within(1e-15));
        // Six a side, four values of 10.2 tied across the samples: U = 4. Enumerating all C(12,6) = 924 splits of
        // the mid-ranks (itertools.combinations over scipy.stats.rankdata) finds 22 whose rank sum is at least as far
        // from its mean -> p = 22/924. (scipy's method='exact' ignores ties and would give 24/924.)
        SignificanceResult six = Statistics.mannWhitneyU(new double[] {10.1, 10.4, 9.8, 10.0, 10.2, 10.2},
                new double[] {10.2, 10.6, 10.9, 10.2, 11.0, 10.7});
        assertThat(six.statistic()).isEqualTo(4);
        assertThat(six.pValue()).isCloseTo(22.0 / 924, within(1e-15));
    }

    /** The counting shortcut against the definition: every split of the pooled values, enumerated one by one. */
    @Test
    void mannWhitneyExactAgreesWithBruteForceEnumeration() {
        Random random = new Random(11);
        for (int trial = 0; trial < 60; trial++) {
            double[] a = new double[2 + random.nextInt(5)];
            double[] b = new double[2 + random.nextInt(5)];
            // Few distinct values, so most trials have ties within and across the samples.
            for (int i = 0; i < a.length; i++) {
                a[i] = random.nextInt(5);
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = random.nextInt(5);
            }
            assertThat(Statistics.mannWhitneyU(a, b).pValue()).as("a=%s b=%s", Arrays.toString(a), Arrays.toString(b))
                    .isCloseTo(bruteForceRankSumP(a, b), within(1e-15));
        }
    }

    /** Two-sided permutation p of the rank sum of {@code a}: mid-ranks, every subset of size |a|, by bit masks. */
    static double bruteForceRankSumP(double[] a, double[] b) {
        int n = a.length + b.length;
        double[] pooled = new double[n];
        System.arraycopy(a, 0, pooled, 0, a.length);
        System.arraycopy(b, 0, pooled, a.length, b.length);
        double[] rank = new double[n];
        for (int i = 0; i < n; i++) {
            int below = 0;
            int equal = 0;
            for (double v : pooled) {
                below += v < pooled[i] ? 1 : 0;
                equal += v == pooled[i] ? 1 : 0;
            }
            rank[i] = below + (equal + 1) / 2.0;
        }
        double observed = 0;
        for (int i = 0; i < a.length; i++) {
            observed += rank[i];
        }
        double mean = a.length * (n + 1) / 2.0;
        int extreme = 0;
        int all = 0;
        for (int mask = 0; mask < 1 << n; mask++) {
            if (Integer.bitCount(mask) != a.length) {
                continue;
            }
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += (mask >> i & 1) == 1 ? rank[i] : 0;
            }
            all++;
            extreme += Math.abs(sum - mean) >= Math.abs(observed - mean) - 1e-9 ? 1 : 0;
        }
        return (double) extreme / all;
    }

    @Test
    void mannWhitneyBeyondTwentyASide() {
        // 25 a side, b shifted by 10.5: U = 105, no ties: still exact (the library counts up to 49 a side).
        // scipy.stats.mannwhitneyu(a, b, method='exact'): p = 2.498299437836445e-05
        double[] a = new double[25];
        double[] b = new double[25];
        for (int i = 0; i < 25; i++) {
            a[i] = i;
            b[i] = i + 10.5;
        }
        SignificanceResult r = Statistics.mannWhitneyU(a, b);
        assertThat(r.statistic()).isEqualTo(105);
        assertThat(r.pValue()).isCloseTo(2.498299437836445e-05, within(1e-12));
        // 60 a side, shifted by 20.5: U = 780; the normal approximation with continuity correction.
        // scipy.stats.mannwhitneyu(a, b, method='asymptotic', use_continuity=True): p = 8.747567722893498e-08
        double[] e = new double[60];
        double[] f = new double[60];
        for (int i = 0; i < 60; i++) {
            e[i] = i;
            f[i] = i + 20.5;
        }
        assertThat(Statistics.mannWhitneyU(e, f).statistic()).isEqualTo(780);
        assertThat(Statistics.mannWhitneyU(e, f).pValue()).isCloseTo(8.747567722893498e-08, within(1e-14));
        // 22 a side, each value twice: ties beyond 20 a side take the tie-corrected normal approximation.
        // scipy gives U = 128, p = 0.007534378919970663
        double[] c = new double[22];
        double[] d = new double[22];
        for (int i = 0; i < 22; i++) {
            c[i] = 1 + i / 2;
            d[i] = c[i] + 3;
        }
        SignificanceResult tied = Statistics.mannWhitneyU(c, d);
        assertThat(tied.statistic()).isEqualTo(128);
        assertThat(tied.pValue()).isCloseTo(0.007534378919970663, within(1e-12));
    }

    @Test
    void identicalSamplesAreNotDifferent() {
        double[] same = {5, 6, 7, 8, 9};
        assertThat(Statistics.mannWhitneyU(same, same).pValue()).isEqualTo(1);
        assertThatThrownBy(() -> Statistics.mannWhitneyU(new double[] {Double.NaN}, same))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-finite");
    }

    @Test
    void populationSpreadDividesByN() {
        Statistics s = Statistics.of(new double[]{2, 4, 4, 4, 5, 5, 7, 9});
        assertThat(s.populationStddev()).isCloseTo(2.0, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(s.populationCv()).isCloseTo(0.4, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(Statistics.of(new double[]{3}).populationStddev()).isZero();
    }
}
