package dev.llmbench.site.diff;

import dev.llmbench.site.analysis.Summary;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReleaseDiffTest {
    static Summary s(double... v) {
        return Summary.of(java.util.Arrays.stream(v).boxed().toList());
    }

    @Test
    void verdictsFollowDirectionThresholdAndTest() {
        Summary fast = s(10, 10.1, 10.2, 10.3, 10.4);
        Summary slow = s(12, 12.1, 12.2, 12.3, 12.4);
        assertThat(ReleaseDiff.cell("e", "S1", ReleaseDiff.Metric.TTFT_MS, slow, fast, 0.03, 0.05).verdict())
                .isEqualTo(ReleaseDiff.Verdict.BETTER);
        assertThat(ReleaseDiff.cell("e", "S1", ReleaseDiff.Metric.TTFT_MS, fast, slow, 0.03, 0.05).verdict())
                .isEqualTo(ReleaseDiff.Verdict.WORSE);
        // for TPS higher is better
        assertThat(ReleaseDiff.cell("e", "S1", ReleaseDiff.Metric.DECODE_TPS, fast, slow, 0.03, 0.05).verdict())
                .isEqualTo(ReleaseDiff.Verdict.BETTER);
        // a big threshold makes the same move "unchanged"
        assertThat(ReleaseDiff.cell("e", "S1", ReleaseDiff.Metric.TTFT_MS, fast, slow, 0.5, 0.05).verdict())
                .isEqualTo(ReleaseDiff.Verdict.UNCHANGED);
        // noisy samples: the median moves, the test cannot confirm it
        Summary noisyA = s(5, 10, 15, 20, 25);
        Summary noisyB = s(6, 11, 16, 21, 26);
        assertThat(ReleaseDiff.cell("e", "S1", ReleaseDiff.Metric.TTFT_MS, noisyA, noisyB, 0.03, 0.05).verdict())
                .isEqualTo(ReleaseDiff.Verdict.INCONCLUSIVE);
        // imported summaries have no samples: never better or worse
        assertThat(ReleaseDiff.cell("e", "S1", ReleaseDiff.Metric.TTFT_MS, Summary.ofMedian(12, 1, true),
                Summary.ofMedian(10, 1, true), 0.03, 0.05).verdict()).isEqualTo(ReleaseDiff.Verdict.INCONCLUSIVE);
    }

    @Test
    void regressionIsAnyWorseCell() {
        ReleaseDiff.Cell worse = ReleaseDiff.cell("e", "S1", ReleaseDiff.Metric.TTFT_MS, s(1, 1.1, 1.2, 1.3, 1.4),
                s(2, 2.1, 2.2, 2.3, 2.4), 0.03, 0.05);
        assertThat(new ReleaseDiff("a", "b", 0.03, 0.05, List.of(worse), List.of()).hasRegression()).isTrue();
        assertThat(new ReleaseDiff("a", "b", 0.03, 0.05, List.of(), List.of()).hasRegression()).isFalse();
    }
}
