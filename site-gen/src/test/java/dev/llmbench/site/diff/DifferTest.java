package dev.llmbench.site.diff;

import dev.llmbench.results.CacheFill;
import dev.llmbench.results.EngineInfo;
import dev.llmbench.results.Environment;
import dev.llmbench.results.LoadMetrics;
import dev.llmbench.results.ModelInfo;
import dev.llmbench.results.Protocol;
import dev.llmbench.site.analysis.ContextSummary;
import dev.llmbench.site.analysis.EngineReport;
import dev.llmbench.site.analysis.ReleaseReport;
import dev.llmbench.site.analysis.ScenarioSummary;
import dev.llmbench.site.analysis.Summary;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class DifferTest {
    private final Differ differ = new Differ(0.05, 0.05);

    @Test
    void fullySeparatedFiveRunsASideFireTheTest() {
        // TTFT fell by about 20 % and every new run is faster than every old one: exact p = 2/252.
        ReleaseDiff d = differ.compare(
                release("v1", scenario("S1", List.of(100.0, 101.0, 102.0, 103.0, 104.0), tps(20))),
                release("v2", scenario("S1", List.of(80.0, 81.0, 82.0, 83.0, 84.0), tps(20))));
        CellDiff ttft = cell(d, Metric.TTFT);
        assertThat(ttft.change()).isCloseTo((82.0 - 102.0) / 102.0, within(1e-12));
        assertThat(ttft.pValue()).isCloseTo(2.0 / 252, within(1e-12));
        assertThat(ttft.verdict()).isEqualTo(Verdict.BETTER);
        // prefill TPS = prompt / TTFT rose: also better
        assertThat(cell(d, Metric.PREFILL_TPS).verdict()).isEqualTo(Verdict.BETTER);
        assertThat(cell(d, Metric.DECODE_TPS).verdict()).isEqualTo(Verdict.UNCHANGED);
        assertThat(d.hasRegression()).isFalse();
    }

    @Test
    void slowerDecodeIsARegression() {
        ReleaseDiff d = differ.compare(
                release("v1", scenario("S1", ttft(100), List.of(20.0, 20.1, 20.2, 20.3, 20.4))),
                release("v2", scenario("S1", ttft(100), List.of(17.0, 17.1, 17.2, 17.3, 17.4))));
        assertThat(cell(d, Metric.DECODE_TPS).verdict()).isEqualTo(Verdict.WORSE);
        assertThat(d.hasRegression()).isTrue();
        assertThat(d.count(Verdict.WORSE)).isEqualTo(1);
    }

    @Test
    void largeButOverlappingChangeIsInconclusive() {
        // medians differ by 10 % but the samples interleave: not significant
        ReleaseDiff d = differ.compare(
                release("v1", scenario("S1", List.of(80.0, 100.0, 120.0, 90.0, 140.0), tps(20))),
                release("v2", scenario("S1", List.of(130.0, 110.0, 85.0, 95.0, 150.0), tps(20))));
        CellDiff ttft = cell(d, Metric.TTFT);
        assertThat(ttft.change()).isCloseTo(0.10, within(1e-9));
        assertThat(ttft.pValue()).isGreaterThan(0.05);
        assertThat(ttft.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    }

    @Test
    void summariesWithoutSamplesAreNeverBetterOrWorse() {
        ScenarioSummary o = new ScenarioSummary("S1", 16, 32, Summary.ofMedian(100, 1, false),
                Summary.ofMedian(20, 1, false), Summary.ofMedian(160, 1, false), List.of(), null, null);
        ScenarioSummary n = new ScenarioSummary("S1", 16, 32, Summary.ofMedian(50, 1, false),
                Summary.ofMedian(20, 1, false), Summary.ofMedian(320, 1, false), List.of(), null, null);
        ReleaseDiff d = differ.compare(release("old", o), release("new", n));
        assertThat(cell(d, Metric.TTFT).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(cell(d, Metric.TTFT).pValue()).isNull();
    }

    @Test
    void scenariosAndEnginesPresentOnOneSideAreListed() {
        ReleaseReport old = release("v1", scenario("S1", ttft(100), tps(20)), scenario("S2", ttft(200), tps(20)));
        ReleaseReport neu = new ReleaseReport("v2", List.of(
                engine("java (CPU)", scenario("S1", ttft(100), tps(20)), scenario("S3", ttft(300), tps(20))),
                engine("cuda (H100)", scenario("S1", ttft(10), tps(200)))), null, List.of());
        ReleaseDiff d = differ.compare(old, neu);
        assertThat(d.engines()).hasSize(1);
        assertThat(d.engines().get(0).onlyOld()).containsExactly("S2");
        assertThat(d.engines().get(0).onlyNew()).containsExactly("S3");
        assertThat(d.unmatched()).containsExactly(new ReleaseDiff.Unmatched("cuda (H100) / synthetic:tiny", "v2"));
    }

    @Test
    void contextSuitesAreComparedByPosition() {
        EngineReport before = context(Map.of(1, ttft(100), 4096, ttft(200), 8192, ttft(300)));
        EngineReport after = context(Map.of(1, ttft(100), 4096, ttft(240), 16384, ttft(500)));
        ReleaseDiff d = differ.compare(new ReleaseReport("v1", List.of(before), null, List.of()),
                new ReleaseReport("v2", List.of(after), null, List.of()));
        EngineDiff e = d.engines().getFirst();
        assertThat(e.cells()).extracting(CellDiff::scenario).containsExactly("1", "4096");
        assertThat(e.cells()).extracting(CellDiff::metric).containsOnly(Metric.CONTEXT_STEP_MS);
        assertThat(e.cells().get(0).verdict()).isEqualTo(Verdict.UNCHANGED);
        // every step at 4096 slower, five samples a side: a regression, as a lower step time is better
        assertThat(e.cells().get(1).change()).isCloseTo(0.2, within(1e-12));
        assertThat(e.cells().get(1).verdict()).isEqualTo(Verdict.WORSE);
        assertThat(e.onlyOldPositions()).containsExactly(8192);
        assertThat(e.onlyNewPositions()).containsExactly(16384);
        assertThat(d.hasRegression()).isTrue();
        String ko = DiffText.render(d, dev.llmbench.site.render.Lang.KO);
        assertThat(ko).contains("위치 4096", "컨텍스트 스텝 시간 (ms)", "v1에만 있는 컨텍스트 위치: 8192");
    }

    static EngineReport context(Map<Integer, List<Double>> stepMsByPosition) {
        List<ContextSummary> positions = new java.util.ArrayList<>();
        new java.util.TreeMap<>(stepMsByPosition).forEach((position, steps) -> {
            Summary s = Summary.of(steps);
            positions.add(new ContextSummary(position, CacheFill.DIRECT, 5, s, 1000 / s.median(), null));
        });
        EngineReport base = engine("java (CPU)");
        return new EngineReport(base.label(), base.source(), false, base.engine(), base.model(), base.environment(),
                base.protocol(), base.load(), List.of(), base.metrics(), List.of(), Map.of(), Map.of(), positions);
    }

    @Test
    void aDifferentMachineModelOrSettingIsNamedBesideTheVerdicts() throws Exception {
        EngineReport a = engine("java (CPU)", scenario("S1", ttft(100), tps(20)));
        a = new EngineReport(a.label(), a.source(), false, new EngineInfo("java", "0.1.0", Map.of("threads", 2)), a.model(),
                a.environment(), a.protocol(), a.load(), a.scenarios(), a.metrics(), a.warnings());
        // threads changed; "vector_bits" is only described by the newer engine, which is no change of a setting
        EngineReport b = new EngineReport(a.label(), a.source(), false,
                new EngineInfo("java", "0.2.0", Map.of("threads", 4, "vector_bits", 512)),
                a.model(), new Environment("Linux", "6.1", "amd64", "Other CPU", 2, 1L << 34, null, null, "25"), a.protocol(),
                a.load(), a.scenarios(), a.metrics(), a.warnings());
        ReleaseDiff d = differ.compare(new ReleaseReport("v1", List.of(a), null, List.of()),
                new ReleaseReport("v2", List.of(b), null, List.of()));
        assertThat(d.engines().getFirst().conditions()).containsExactly(
                new ConditionChange("environment.cpu", "Test CPU", "Other CPU"),
                new ConditionChange("engine.settings.threads", "2", "4"));
        String en = DiffPageModel.markdown(d, dev.llmbench.site.render.Lang.EN, new dev.llmbench.site.render.Templates(null));
        assertThat(en).contains("!!! warning \"Measured under different conditions\"")
                .contains("    - `environment.cpu`: Test CPU → Other CPU");
        String ko = DiffText.render(d, dev.llmbench.site.render.Lang.KO);
        assertThat(ko).contains("측정 조건").contains("environment.cpu: Test CPU → Other CPU");

        // the same machine, model and settings (the engine's version is the point of the comparison): no warning
        ReleaseDiff same = differ.compare(release("v1", scenario("S1", ttft(100), tps(20))),
                release("v2", scenario("S1", ttft(100), tps(20))));
        assertThat(same.engines().getFirst().conditions()).isEmpty();
        assertThat(DiffPageModel.markdown(same, dev.llmbench.site.render.Lang.KO, new dev.llmbench.site.render.Templates(null)))
                .doesNotContain("측정 조건");
    }

    @Test
    void validityWarningsOfEitherRunAreNamedByCodeAndScenario() throws Exception {
        EngineReport a = engine("java (CPU)", scenario("S1", ttft(100), tps(20)), scenario("S2", ttft(200), tps(20)));
        EngineReport b = new EngineReport(a.label(), a.source(), false, a.engine(), a.model(), a.environment(), a.protocol(),
                a.load(), a.scenarios(), a.metrics(), List.of(new dev.llmbench.results.Warning("high_cv", "busy", "S1"),
                new dev.llmbench.results.Warning("high_cv", "busy", "S2")));
        ReleaseDiff d = differ.compare(new ReleaseReport("v1", List.of(a), null, List.of()),
                new ReleaseReport("v2", List.of(b), null, List.of()));
        assertThat(d.engines().getFirst().warnings()).containsExactly(new RunWarnings("v2", "high_cv", List.of("S1", "S2")));
        assertThat(DiffPageModel.markdown(d, dev.llmbench.site.render.Lang.KO, new dev.llmbench.site.render.Templates(null)))
                .contains("!!! warning \"유효성 경고가 있는 실행\"").contains("    - `v2`: `high_cv` (S1, S2)");
        assertThat(DiffText.render(d, dev.llmbench.site.render.Lang.EN)).contains("    v2: high_cv (S1, S2)");
        assertThat(differ.compare(release("v1", scenario("S1", ttft(100), tps(20))), release("v2", scenario("S1", ttft(100), tps(20))))
                .engines().getFirst().warnings()).isEmpty();
    }

    @Test
    void rejectsNonsenseSettings() {
        assertThatThrownBy(() -> new Differ(-0.1, 0.05)).hasMessageContaining("threshold");
        assertThatThrownBy(() -> new Differ(0.05, 1.5)).hasMessageContaining("alpha");
    }

    static CellDiff cell(ReleaseDiff d, Metric m) {
        return d.engines().get(0).cells().stream().filter(c -> c.metric() == m).findFirst().orElseThrow();
    }

    static List<Double> ttft(double around) {
        return List.of(around, around + 1, around - 1, around + 0.5, around - 0.5);
    }

    static List<Double> tps(double around) {
        return List.of(around, around + 0.1, around - 0.1, around + 0.05, around - 0.05);
    }

    static ScenarioSummary scenario(String id, List<Double> ttftMs, List<Double> decodeTps) {
        int prompt = 16;
        List<Double> prefill = ttftMs.stream().map(t -> prompt * 1000.0 / t).toList();
        return new ScenarioSummary(id, prompt, 32, Summary.of(ttftMs), Summary.of(decodeTps), Summary.of(prefill),
                List.of(), null, null);
    }

    static ReleaseReport release(String tag, ScenarioSummary... scenarios) {
        return new ReleaseReport(tag, List.of(engine("java (CPU)", scenarios)), null, List.of());
    }

    static EngineReport engine(String label, ScenarioSummary... scenarios) {
        return new EngineReport(label, "test.json", false, new EngineInfo("java", "0.1.0", Map.of()),
                new ModelInfo("synthetic:tiny", "synthetic", "bf16", 1000, "abc", "Qwen2ForCausalLM"),
                new Environment("Linux", "6.1", "amd64", "Test CPU", 2, 1L << 34, null, null, "25"),
                new Protocol("quick", 1, 5, "System.nanoTime", 20, true, "seeded", 42),
                new LoadMetrics(0, 10, null, null, null, null), List.of(scenarios),
                new EngineReport.Metrics(null, null, null, null, null, false, false), List.of());
    }
}
