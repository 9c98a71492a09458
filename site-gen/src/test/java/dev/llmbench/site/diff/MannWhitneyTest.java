package dev.llmbench.site.diff;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class MannWhitneyTest {
    @Test
    void fiveRunsASideCanBeSignificant() {
        double[] a = {10, 11, 12, 13, 14};
        double[] b = {20, 21, 22, 23, 24};
        // every arrangement of 5 + 5 ranks is equally likely: C(10, 5) = 252, the two extremes give 2 / 252
        assertThat(MannWhitney.pValue(a, b)).isCloseTo(2.0 / 252, within(1e-12));
        assertThat(MannWhitney.pValue(b, a)).isCloseTo(2.0 / 252, within(1e-12));
    }

    @Test
    void interleavedSamplesAreNotSignificant() {
        double[] a = {10, 12, 14, 16, 18};
        double[] b = {11, 13, 15, 17, 19};
        assertThat(MannWhitney.pValue(a, b)).isGreaterThan(0.5);
    }

    @Test
    void exactDistributionMatchesATableValue() {
        // n1 = n2 = 4, U = 1: P(U <= 1) = 2 / 70, two-sided 4 / 70
        double[] a = {1, 2, 3, 5};
        double[] b = {4, 6, 7, 8};
        assertThat(MannWhitney.pValue(a, b)).isCloseTo(4.0 / 70, within(1e-12));
    }

    @Test
    void normalApproximationAgreesWithTheExactTestForLargerSamples() {
        Random rnd = new Random(7);
        double[] a = new double[30];
        double[] b = new double[30];
        for (int i = 0; i < 30; i++) {
            a[i] = rnd.nextGaussian();
            b[i] = rnd.nextGaussian() + 0.6;
        }
        double exact = MannWhitney.pValue(a, b);
        b[0] = a[0]; // one tie forces the approximation
        double approx = MannWhitney.pValue(a, b);
        assertThat(approx).isCloseTo(exact, within(0.02));
        assertThat(exact).isLessThan(0.05);
    }
}
