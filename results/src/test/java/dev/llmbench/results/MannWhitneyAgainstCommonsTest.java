package dev.llmbench.results;

import org.apache.commons.statistics.inference.MannWhitneyUTest;
import org.apache.commons.statistics.inference.PValueMethod;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Apache Commons Statistics' {@code MannWhitneyUTest} against the definition of the exact test (every split of the
 * pooled mid-ranks, enumerated: {@link StatisticsTest#bruteForceRankSumP}) at the diff's sample sizes.
 *
 * <p>Without ties the two agree to rounding for every possible outcome at 5 vs 5 and for random samples of 2 to 8
 * a side: its two-sided exact p, 2 * P(U <= min(U1, U2)) capped at 1, is the same number as the share of splits at
 * least as far from the mean, because U is symmetric without ties. So {@link Statistics#mannWhitneyU} takes its p
 * from the library there.
 *
 * <p>With ties they differ, and the library says why: its exact method needs untied ranks, so for tied samples it
 * uses the normal approximation with tie and continuity correction even when asked for EXACT. At 5 runs a side that
 * approximates a distribution of 252 points: on tied samples of a few distinct values it is off by up to 0.3 in p,
 * and about one sample in fifty gets the other verdict at alpha 0.05. Timings rounded to a microsecond do tie. The exact permutation p given the ties is the
 * right one for a test that claims to be exact, so {@link Statistics#mannWhitneyU} counts it itself for tied samples
 * up to {@value Statistics#EXACT_WITH_TIES_MAX} a side.
 */
class MannWhitneyAgainstCommonsTest {
    private static final MannWhitneyUTest EXACT = MannWhitneyUTest.withDefaults().with(PValueMethod.EXACT);

    /** All C(10, 5) = 252 ways 5 runs a side can interleave: every U from 0 to 25, each p checked. */
    @Test
    void fiveAgainstFiveWithoutTiesAgreeForEveryOutcome() {
        for (int mask = 0; mask < 1 << 10; mask++) {
            if (Integer.bitCount(mask) != 5) {
                continue;
            }
            double[] a = new double[5];
            double[] b = new double[5];
            int ia = 0;
            int ib = 0;
            for (int i = 0; i < 10; i++) {
                double value = 40 + 0.37 * i; // distinct values: no ties
                if ((mask >> i & 1) == 1) {
                    a[ia++] = value;
                } else {
                    b[ib++] = value;
                }
            }
            double definition = StatisticsTest.bruteForceRankSumP(a, b);
            MannWhitneyUTest.Result commons = EXACT.test(a, b);
            assertThat(commons.hasTiedValues()).isFalse();
            assertThat(commons.getPValue()).as("a=%s b=%s", Arrays.toString(a), Arrays.toString(b))
                    .isCloseTo(definition, within(1e-12));
            assertThat(Statistics.mannWhitneyU(a, b).pValue()).isCloseTo(definition, within(1e-12));
            assertThat(Statistics.mannWhitneyU(a, b).statistic()).isEqualTo(commons.getStatistic());
        }
    }

    @Test
    void otherSmallSizesWithoutTiesAgree() {
        Random random = new Random(3);
        for (int trial = 0; trial < 200; trial++) {
            double[] a = random.doubles(1 + random.nextInt(8), 30, 50).toArray();
            double[] b = random.doubles(1 + random.nextInt(8), 30, 50).toArray();
            assertThat(EXACT.test(a, b).getPValue()).as("a=%s b=%s", Arrays.toString(a), Arrays.toString(b))
                    .isCloseTo(StatisticsTest.bruteForceRankSumP(a, b), within(1e-12));
        }
    }

    @Test
    void withTiesTheLibraryApproximatesAndWeCountExactly() {
        // 5 vs 5, the samples overlapping in one tied value (43) and tied within (41, 44):
        // the exact permutation p is 4/252 (two splits as low as the observed rank sum, two as high);
        // the library's normal approximation gives 0.015333162113602824 (as scipy's method='asymptotic').
        double[] a = {40, 41, 41, 42, 43};
        double[] b = {43, 44, 44, 45, 46};
        MannWhitneyUTest.Result commons = EXACT.test(a, b);
        assertThat(commons.hasTiedValues()).isTrue();
        assertThat(commons.getPValue()).isCloseTo(0.015333162113602824, within(1e-12));
        assertThat(StatisticsTest.bruteForceRankSumP(a, b)).isCloseTo(4.0 / 252, within(1e-15));
        assertThat(Statistics.mannWhitneyU(a, b).pValue()).isCloseTo(4.0 / 252, within(1e-15));

        // Over many small tied samples the approximation is off by more than rounding, sometimes across 0.05.
        Random random = new Random(7);
        double worst = 0;
        int verdictsFlipped = 0;
        for (int trial = 0; trial < 300; trial++) {
            double[] x = new double[5];
            double[] y = new double[5];
            for (int i = 0; i < 5; i++) {
                x[i] = random.nextInt(8); // few distinct values: ties within and across
                y[i] = 2 + random.nextInt(8);
            }
            double exact = StatisticsTest.bruteForceRankSumP(x, y);
            double approx = EXACT.test(x, y).getPValue();
            assertThat(Statistics.mannWhitneyU(x, y).pValue()).isCloseTo(exact, within(1e-12));
            worst = Math.max(worst, Math.abs(exact - approx));
            verdictsFlipped += (exact < 0.05) != (approx < 0.05) ? 1 : 0;
        }
        assertThat(worst).as("largest |exact - approximate| p").isGreaterThan(0.01);
        assertThat(verdictsFlipped).as("samples whose verdict at alpha 0.05 differs").isPositive();
    }
}
