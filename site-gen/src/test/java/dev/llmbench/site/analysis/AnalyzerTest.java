package dev.llmbench.site.analysis;

import dev.llmbench.results.BenchmarkResults;
import dev.llmbench.results.CacheFill;
import dev.llmbench.results.ContextPosition;
import dev.llmbench.results.Protocol;
import dev.llmbench.results.RunSample;
import dev.llmbench.results.ScenarioResult;
import dev.llmbench.results.Warning;
import dev.llmbench.site.FixtureResults;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AnalyzerTest {
    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    /** A scenario whose runs have the given TTFTs and constant step times; the first {@code warmups} are warm-ups. */
    static ScenarioResult scenario(String id, int prompt, int decode, int warmups, double[] ttft, double stepMs) {
        List<RunSample> runs = new ArrayList<>();
        for (int i = 0; i < ttft.length; i++) {
            runs.add(new RunSample(i, i < warmups, ttft[i], Collections.nCopies(decode - 1, stepMs), List.of(), null));
        }
        return new ScenarioResult(id, prompt, decode, runs);
    }

    static BenchmarkResults with(List<ScenarioResult> scenarios) {
        return FixtureResults.java("v1", 1, 1, T).withScenarios(scenarios);
    }

    @Test
    void statisticsUseMeasuredRunsOnlyWithSampleStddev() {
        // warm-up TTFT 1000 must not count; measured 10, 12, 14: median 12, sample stddev 2
        ScenarioResult s = scenario("S1", 16, 5, 1, new double[]{1000, 10, 12, 14}, 20);
        ScenarioSummary sum = Analyzer.analyze(with(List.of(s)), "java (CPU)", "f").scenarios().getFirst();
        assertThat(sum.ttftMs().n()).isEqualTo(3);
        assertThat(sum.ttftMs().median()).isEqualTo(12);
        assertThat(sum.ttftMs().stddev()).isCloseTo(2.0, within(1e-12));
        // (tokens - 1) / sum of steps: 4 steps of 20 ms = 50 tok/s; the prefill token is not counted
        assertThat(sum.decodeTps().median()).isCloseTo(50.0, within(1e-9));
        assertThat(sum.prefillTps().median()).isCloseTo(16 * 1000.0 / 12, within(1e-9));
        assertThat(sum.stepTps()).hasSize(4).allSatisfy(v -> assertThat(v).isCloseTo(50.0, within(1e-9)));
    }

    @Test
    void prefillScalingIsTheSlopeOverDistinctPromptLengths() {
        // TTFT = 5 + 0.5 * prompt exactly; S6 shares S2's prompt length with another TTFT and must not count
        List<ScenarioResult> s = List.of(
                scenario("S1", 16, 4, 0, new double[]{13, 13}, 10),
                scenario("S2", 64, 4, 0, new double[]{37, 37}, 10),
                scenario("S3", 256, 4, 0, new double[]{133, 133}, 10),
                scenario("S6", 64, 4, 0, new double[]{400, 400}, 10));
        EngineReport r = Analyzer.analyze(with(s), "java (CPU)", "f");
        assertThat(r.metrics().prefillScalingMsPerToken()).isCloseTo(0.5, within(1e-12));
        assertThat(r.metrics().prefillScalingR2()).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void decodeCvIsPopulationStddevOverMeanOfScenarioMedians() {
        // decode TPS medians 50 and 100 (steps of 20 and 10 ms): mean 75, population stddev 25 -> CV 1/3
        List<ScenarioResult> s = List.of(
                scenario("S1", 16, 4, 0, new double[]{10, 10}, 20),
                scenario("S2", 64, 4, 0, new double[]{40, 40}, 10));
        EngineReport r = Analyzer.analyze(with(s), "java (CPU)", "f");
        assertThat(r.metrics().decodeTpsCv()).isCloseTo(1.0 / 3, within(1e-12));
    }

    @Test
    void kernelMetricsOnlyFromMeasuredKernelTime() {
        EngineReport cpu = Analyzer.analyze(FixtureResults.java("v1", 1, 1, T), "java (CPU)", "f");
        assertThat(cpu.metrics().gpuUtilisation()).isNull();
        assertThat(cpu.metrics().kernelOverheadUs()).isNull();
        assertThat(cpu.metrics().gpuUtilisationEstimated()).isFalse();

        // steps of 2 ms with 1.5 ms of kernels in 100 kernels: utilisation 75%, overhead 0.5 ms / 100 = 5 us
        List<RunSample> runs = List.of(new RunSample(0, false, 5, List.of(2.0, 2.0), List.of(),
                new RunSample.KernelStats(4, 10, List.of(1.5, 1.5), List.of(100, 100))));
        EngineReport gpu = Analyzer.analyze(with(List.of(new ScenarioResult("S1", 16, 3, runs))), "cuda (GPU)", "f");
        assertThat(gpu.metrics().gpuUtilisation()).isCloseTo(0.75, within(1e-12));
        assertThat(gpu.metrics().kernelOverheadUs()).isCloseTo(5.0, within(1e-9));
        assertThat(gpu.scenarios().getFirst().gpuUtilisation()).isCloseTo(0.75, within(1e-12));
    }

    @Test
    void flatTtftIsFlagged() {
        List<ScenarioResult> s = List.of(
                scenario("S1", 16, 4, 0, new double[]{100, 100}, 10),
                scenario("S5", 1024, 4, 0, new double[]{104, 104}, 10));
        assertThat(Analyzer.analyze(with(s), "x", "f").warnings()).extracting(Warning::code).contains("ttft_not_growing");
        assertThat(Analyzer.analyze(FixtureResults.java("v1", 1, 1, T), "x", "f").warnings()).isEmpty();
    }

    @Test
    void speedupsAreOverTheJavaBaseline() {
        EngineReport java = Analyzer.analyze(FixtureResults.java("v1", 1, 1, T), "java (CPU)", "a");
        EngineReport cuda = Analyzer.analyze(FixtureResults.cuda("v1", 1, 2, T), "cuda (H100)", "b");
        ReleaseReport r = Analyzer.release("v1", List.of(java, cuda));
        assertThat(r.baseline()).isEqualTo("java (CPU)");
        assertThat(r.engines().getLast().label()).isEqualTo("java (CPU)");
        assertThat(r.speedups()).hasSize(6);
        ReleaseReport.Speedup s1 = r.speedups().getFirst();
        assertThat(s1.engine()).isEqualTo("cuda (H100)");
        assertThat(s1.ttftSpeedup()).isCloseTo(java.scenarios().getFirst().ttftMs().median()
                / cuda.scenarios().getFirst().ttftMs().median(), within(1e-12));
        assertThat(s1.decodeSpeedup()).isGreaterThan(1);
        assertThat(Analyzer.release("v1", List.of(cuda)).baseline()).isNull();
    }

    @Test
    void runsOfOneEngineGetDistinctLabels() {
        EngineReport a = Analyzer.analyze(FixtureResults.java("v1", 1, 1, T), "java (CPU)", "dir/java-a.json");
        EngineReport b = Analyzer.analyze(FixtureResults.java("v1", 1, 2, T), "java (CPU)", "dir/java-b.json");
        ReleaseReport r = Analyzer.release("v1", List.of(a, b));
        assertThat(r.engines()).extracting(EngineReport::label).containsExactly(
                "java (CPU) · synthetic:qwen2.5-0.5b · java-a.json", "java (CPU) · synthetic:qwen2.5-0.5b · java-b.json");
        assertThat(r.baseline()).isNull();
    }

    /** The same engine's context suite: one position, no scenarios. */
    private static BenchmarkResults contextSuite(BenchmarkResults base) {
        Protocol p = base.protocol();
        return new BenchmarkResults(base.schemaVersion(), base.run(), base.environment(), base.engine(), base.model(),
                new Protocol("context", 1, 3, p.clock(), p.timerOverheadNs(), true, p.promptSource(), p.seed()),
                base.load(), List.of(), List.of(), List.of(new ContextPosition(1, CacheFill.DIRECT, 2, List.of(
                        new ContextPosition.Run(0, false, 0.5, List.of(80.0, 80.5))))));
    }

    @Test
    void anEnginesScenarioAndContextSuiteFilesShareItsLabel() {
        EngineReport java = Analyzer.analyze(FixtureResults.java("v1", 1, 1, T), "java (CPU)", "dir/java-a.json");
        EngineReport javaContext = Analyzer.analyze(contextSuite(FixtureResults.java("v1", 1, 1, T)), "java (CPU)",
                "dir/java-a-context.json");
        EngineReport cuda = Analyzer.analyze(FixtureResults.cuda("v1", 1, 2, T), "cuda (H100)", "dir/cuda-a.json");
        assertThat(javaContext.contextSuite()).isTrue();
        assertThat(java.contextSuite()).isFalse();
        ReleaseReport r = Analyzer.release("v1", List.of(javaContext, cuda, java));
        // no model or file name added; the baseline engine last, its scenario file before its context suite
        assertThat(r.engines()).extracting(EngineReport::source)
                .containsExactly("dir/cuda-a.json", "dir/java-a.json", "dir/java-a-context.json");
        assertThat(r.engines()).extracting(EngineReport::label).containsExactly("cuda (H100)", "java (CPU)", "java (CPU)");
        assertThat(r.baseline()).isEqualTo("java (CPU)");
        assertThat(r.speedups()).hasSize(6).allMatch(s -> s.engine().equals("cuda (H100)"));

        // a genuine collision, two context suites of one engine and model, still gets the file names
        EngineReport other = Analyzer.analyze(contextSuite(FixtureResults.java("v1", 1, 3, T)), "java (CPU)",
                "dir/java-b-context.json");
        assertThat(Analyzer.release("v1", List.of(java, javaContext, other)).engines()).extracting(EngineReport::label)
                .containsExactly("java (CPU) · synthetic:qwen2.5-0.5b",
                        "java (CPU) · synthetic:qwen2.5-0.5b · java-a-context.json",
                        "java (CPU) · synthetic:qwen2.5-0.5b · java-b-context.json");
    }
}
