package dev.llmbench.site.input;

import dev.llmbench.results.CacheFill;
import dev.llmbench.results.Warning;
import dev.llmbench.site.SiteBuilder;
import dev.llmbench.site.SiteException;
import dev.llmbench.site.TestCharts;
import dev.llmbench.site.analysis.ContextSummary;
import dev.llmbench.site.analysis.EngineReport;
import dev.llmbench.site.render.Lang;
import dev.llmbench.site.render.Templates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The old tool's later file (context scaling: executor_results and dag_results by position), hand-written in its
 * format with three positions: its two lists become two engines on one page, with the ratio per position laid out
 * as the old tool's page lays out its table rows (position, TPS and step of each, then the ratio).
 */
class LegacyScalingImportTest {
    static final Path SCALING = Path.of("src/test/resources/legacy/scaling_results.json");

    @Test
    void theTwoListsBecomeTwoEnginesWithTheExecutorAsReference() throws Exception {
        List<EngineReport> engines = LegacyImporter.read("f.json", tree(Files.readString(SCALING)));
        assertThat(engines).extracting(EngineReport::label).containsExactly("Executor", "DAGExecutor");
        EngineReport executor = engines.getFirst();
        assertThat(executor.legacy()).isTrue();
        assertThat(executor.scenarios()).isEmpty();
        assertThat(executor.engine().settings()).containsEntry("baseline", true).containsEntry("max_cache_len", 32768L)
                .containsEntry("prompt_length", 64L);
        assertThat(executor.context()).extracting(ContextSummary::position).containsExactly(1, 1024, 32640);
        ContextSummary first = executor.context().getFirst();
        assertThat(first.fill()).isEqualTo(CacheFill.DIRECT);
        assertThat(first.stepMs().median()).isEqualTo(359.5);
        assertThat(first.stepMs().populationStddev()).isTrue();
        assertThat(first.ttftMs()).isEqualTo(359.5);
        assertThat(executor.load().compileMs()).isEqualTo(190.0);
        assertThat(executor.warnings()).extracting(Warning::code).contains("context_population_stddev");
        assertThat(engines.get(1).engine().settings()).doesNotContainKey("baseline");
    }

    @Test
    void thePageHasEveryPositionOfBothListsAndTheirRatio(@TempDir Path tmp) throws Exception {
        String page = page(tmp, Lang.KO);
        // the rows of the old tool's page, in our number format (its "0.97x" is our "0.97×")
        assertThat(page).contains(
                "| 위치 | Executor TPS | Executor 스텝 (ms) | DAGExecutor TPS | DAGExecutor 스텝 (ms) | DAGExecutor / Executor |\n",
                "| 1 | 2.8 | 359.5 | 2.7 | 372.1 | 0.97× |\n",
                "| 1024 | 2.7 | 374.9 | 2.7 | 375.4 | 1.00× |\n",
                "| 32640 | 1.2 | 813.6 | 1.2 | 818.2 | 0.99× |\n");
        assertThat(page).contains("## 컨텍스트 스케일링", "### Executor", "### DAGExecutor", "### 엔진 비교",
                "| 1 | 2.8 | 359.5 ± 1.2 | 직접 (랜덤 값) |",
                "- **TTFT (이전 도구)**: 359.5 ms. 고정 prefill 창을 잰 값이라 모든 위치에서 같습니다.",
                "- **최고 TPS**: 2.8 (위치 1)",
                "설계상 위치와 상관없이 같습니다", "| 컴파일 시간 | 0.19 sec |", "| 가중치 로딩 시간 | 1.44 sec |",
                "Apple M4 Pro, 48 GB RAM, macOS 26.2, Python 3.14.0.", "--suite context");
        // a page of the context suite only: no scenario table, scenario charts or their metrics
        assertThat(page).doesNotContain("### 시나리오", "### 차트", "### 분석 지표", "Prefill 스케일링");
        String en = page(tmp.resolve("en"), Lang.EN);
        assertThat(en).contains("## Context scaling", "| 1 | 2.8 | 359.5 | 2.7 | 372.1 | 0.97× |",
                "It times the fixed prefill window, so it is the same at every position.");
    }

    @Test
    void badPositionsAreReportedWithTheirJsonPath() {
        assertThatThrownBy(() -> LegacyImporter.read("bad.json", tree("""
                {"executor_results": [{"position": 1, "step_time_ms": 10, "step_time_std_ms": 1, "tps": 100, "ttft_ms": 5},
                                      {"position": 2, "step_time_std_ms": 1, "tps": 100, "ttft_ms": 5}]}
                """))).isInstanceOf(SiteException.class)
                .hasMessageContaining("bad.json at $.executor_results[1].step_time_ms: missing; expected a number");
        assertThatThrownBy(() -> LegacyImporter.read("bad.json", tree("""
                {"dag_results": [{"position": 0, "step_time_ms": 10, "step_time_std_ms": 1, "tps": 100, "ttft_ms": 5}]}
                """))).hasMessageContaining("$.dag_results[0].position: expected an integer >= 1");
        assertThatThrownBy(() -> LegacyImporter.read("bad.json", tree("""
                {"dag_results": [{"position": 4, "step_time_ms": 10, "step_time_std_ms": 1, "tps": 100, "ttft_ms": 5},
                                 {"position": 4, "step_time_ms": 11, "step_time_std_ms": 1, "tps": 90, "ttft_ms": 5}]}
                """))).hasMessageContaining("$.dag_results[1].position: position 4 appears twice");
        assertThatThrownBy(() -> LegacyImporter.read("bad.json", tree("{\"executor_results\": [], \"dag_results\": []}")))
                .hasMessageContaining("no measurement");
        assertThatThrownBy(() -> LegacyImporter.read("bad.json", tree("{\"executor_results\": {}}")))
                .hasMessageContaining("$.executor_results: expected an array");
    }

    static String page(Path tmp, Lang lang) throws SiteException, IOException {
        Path docs = tmp.resolve("docs");
        new SiteBuilder(new Templates(null), new TestCharts()).build(
                new SiteBuilder.Options(List.of(SCALING), null, docs, List.of(lang), null));
        return Files.readString(docs.resolve(lang == Lang.KO ? "benchmarks.ko.md" : "benchmarks.md"));
    }

    private static com.fasterxml.jackson.databind.JsonNode tree(String json) throws IOException {
        return dev.llmbench.results.ResultsJson.mapper().readTree(json);
    }
}
