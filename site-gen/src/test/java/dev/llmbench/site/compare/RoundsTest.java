package dev.llmbench.site.compare;

import dev.llmbench.results.BenchmarkResults;
import dev.llmbench.results.LoadMetrics;
import dev.llmbench.results.RunSample;
import dev.llmbench.results.ScenarioResult;
import dev.llmbench.site.FixtureResults;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoundsTest {
    private static final Instant T1 = Instant.parse("2026-11-30T10:00:00Z");
    private static final Instant T2 = Instant.parse("2026-11-30T10:05:00Z");

    @Test
    void everySampleOfEveryRoundIsKeptWarmUpsFirstAndRenumbered() {
        BenchmarkResults a = FixtureResults.java("base-1a2b3c4", 1.0, 11L, T1);
        BenchmarkResults b = FixtureResults.java("base-1a2b3c4", 1.0, 12L, T2);
        BenchmarkResults merged = Rounds.merge(List.of(a, b));

        assertThat(merged.scenarios()).hasSameSizeAs(a.scenarios());
        for (int s = 0; s < a.scenarios().size(); s++) {
            ScenarioResult m = merged.scenarios().get(s);
            ScenarioResult ra = a.scenarios().get(s);
            ScenarioResult rb = b.scenarios().get(s);
            assertThat(m.runs()).hasSize(ra.runs().size() + rb.runs().size());
            assertThat(m.runs()).extracting(RunSample::index).containsExactlyElementsOf(
                    java.util.stream.IntStream.range(0, m.runs().size()).boxed().toList());
            int warm = (int) (ra.runs().size() - ra.measuredRuns().size() + rb.runs().size() - rb.measuredRuns().size());
            assertThat(m.runs().subList(0, warm)).allMatch(RunSample::warmup);
            assertThat(m.measuredRuns()).extracting(RunSample::ttftMs).containsExactlyElementsOf(
                    java.util.stream.Stream.concat(ra.measuredRuns().stream(), rb.measuredRuns().stream())
                            .map(RunSample::ttftMs).toList());
        }
        assertThat(merged.protocol().measuredRuns()).isEqualTo(a.protocol().measuredRuns() + b.protocol().measuredRuns());
        assertThat(merged.protocol().warmupRuns()).isEqualTo(a.protocol().warmupRuns() + b.protocol().warmupRuns());
        assertThat(merged.run().startedAt()).isEqualTo(a.run().startedAt());
        assertThat(merged.run().finishedAt()).isEqualTo(b.run().finishedAt());
    }

    @Test
    void loadTimesAreTheMedianAndPeakMemoryTheHighestRound() {
        BenchmarkResults a = FixtureResults.java("head-1a2b3c4", 1.0, 11L, T1);
        BenchmarkResults b = a.withLoad(new LoadMetrics(0, 300, 9_000_000_000L, a.load().peakMemoryMethod(), null, null));
        BenchmarkResults c = a.withLoad(new LoadMetrics(0, 100, 1_000_000_000L, a.load().peakMemoryMethod(), null, null));
        BenchmarkResults d = a.withLoad(new LoadMetrics(0, 200, 2_000_000_000L, a.load().peakMemoryMethod(), null, null));
        LoadMetrics merged = Rounds.merge(List.of(b, c, d)).load();
        assertThat(merged.weightLoadMs()).isEqualTo(200);
        assertThat(merged.peakMemoryBytes()).isEqualTo(9_000_000_000L);
    }

    @Test
    void roundsThatMeasuredDifferentThingsAreRefusedNamingTheRoundAndWhat() {
        BenchmarkResults a = FixtureResults.java("base-1a2b3c4", 1.0, 11L, T1);
        BenchmarkResults other = FixtureResults.cuda("base-1a2b3c4", 1.0, 11L, T1);
        assertThatThrownBy(() -> Rounds.merge(List.of(a, other))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("round 2 measured a different engine than round 1");
        BenchmarkResults fewer = a.withScenarios(a.scenarios().subList(0, 2));
        assertThatThrownBy(() -> Rounds.merge(List.of(a, fewer))).hasMessageStartingWith("round 2 measured a different scenarios");
        BenchmarkResults failed = a.withRun(new dev.llmbench.results.RunInfo(a.run().release(),
                dev.llmbench.results.RunStatus.FAILED, T1, T2, "engine crashed", a.run().tool()));
        assertThatThrownBy(() -> Rounds.merge(List.of(a, failed))).hasMessage("round 2 is failed: engine crashed");
    }

    @Test
    void theMergedFileIsNamedAsTheRunnerNamesItsFiles() {
        assertThat(Comparison.fileName(FixtureResults.java("base-1a2b3c4", 1.0, 11L, T1))).isEqualTo("java-qwen2.5-0.5b.json");
    }
}
