package dev.llmbench.site.input;

import dev.llmbench.results.Warning;
import dev.llmbench.site.Golden;
import dev.llmbench.site.SiteBuilder;
import dev.llmbench.site.SiteException;
import dev.llmbench.site.TestCharts;
import dev.llmbench.site.analysis.EngineReport;
import dev.llmbench.site.render.Lang;
import dev.llmbench.site.render.Templates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Importing the old tool's file that carries the reference page's numbers reproduces that page's tables and metric
 * values with the same rounding, and flags every flaw of the old tool.
 */
class LegacyImportTest {
    static final Path LEGACY = Path.of("src/test/resources/legacy/benchmark_results.json");
    static final Path REFERENCE = Path.of("src/test/resources/reference/benchmark-page.ko.md");

    @Test
    void reproducesTheReferencePageTablesAndMetrics(@TempDir Path tmp) throws Exception {
        String page = koreanPage(tmp);
        List<String> reference = Files.readAllLines(REFERENCE, StandardCharsets.UTF_8);

        // scenario table and the NPU results table: every row as the reference prints it, in our glossary's words
        // (the reference's "decode 중심" is "디코드 중심" in ours: decode in Korean prose is 디코드)
        List<String> rows = reference.stream().filter(l -> l.startsWith("| S")).map(l -> l.replace("decode 중심", "디코드 중심"))
                .toList();
        assertThat(rows).hasSize(12);
        for (String row : rows) {
            assertThat(page).as("reference row %s", row).contains(row + "\n");
        }
        assertThat(page).contains("### NPU (Metal GPU)\n");

        // metrics table: same names (our page adds "(추정)" where the old tool estimated) and same values
        int start = reference.indexOf("| 지표 | 값 |");
        List<String[]> metrics = new ArrayList<>();
        for (int i = start + 2; i < reference.size() && reference.get(i).startsWith("|"); i++) {
            metrics.add(cells(reference.get(i)));
        }
        assertThat(metrics).hasSize(7);
        List<String[]> ours = page.lines().filter(l -> l.startsWith("| ")).map(LegacyImportTest::cells).toList();
        for (String[] m : metrics) {
            String name = m[0].replace(" (추정)", "");
            String[] row = ours.stream().filter(r -> r.length == 2 && r[0].replace(" (추정)", "").equals(name))
                    .findFirst().orElseThrow(() -> new AssertionError("no metric row " + name));
            assertThat(row[1]).as("metric %s", name).startsWith(m[1]);
            if (m[0].contains("(추정)")) {
                assertThat(row[0]).as("estimated metric %s keeps its label", name).contains("(추정)");
            }
        }
        assertThat(page).contains("| 피크 메모리 (추정) | 11,505 MB");
        assertThat(page).contains("Apple M4 Pro, 48 GB RAM, macOS 26.2, Python 3.14.0.");
        assertThat(page).contains("- **모델**: Qwen2.5-1.5B-Instruct (BFloat16)");
        assertThat(page).contains("| max\\_cache\\_len | 2048 |", "| prefill\\_seq\\_len | 1024 |")
                .doesNotContain("스위트별로"); // one file: no suite to tell apart
        assertThat(page).contains("(S6)");
        for (String section : List.of("## 측정 방법", "### 시나리오", "## 결과", "!!! note \"실행 환경\"", "### 차트",
                "**차트 1 — 프롬프트 길이별 TTFT**", "**차트 2 — 스텝별 Decode TPS**", "**차트 3 — 시나리오별 처리량**",
                "### 분석 지표", "## 재현 방법", "## JSON 결과", "!!! warning \"유효성 경고\"")) {
            assertThat(page).contains(section);
        }
        Golden.check("legacy/benchmarks.ko.md", page);
    }

    @Test
    void flagsEveryFlawOfTheOldTool() throws Exception {
        EngineReport npu = LegacyImporter.read("f.json", tree(Files.readString(LEGACY))).getFirst();
        assertThat(npu.legacy()).isTrue();
        assertThat(npu.warnings()).extracting(Warning::code).contains("ttft_not_growing",
                "decode_tps_counts_prefill_token", "population_stddev", "estimated_metrics");
        assertThat(npu.scenarios().getFirst().ttftMs().populationStddev()).isTrue();
        assertThat(npu.metrics().gpuUtilisationEstimated()).isTrue();
        assertThat(npu.metrics().kernelOverheadEstimated()).isTrue();
        assertThat(npu.metrics().peakMemoryEstimated()).isTrue();
        assertThat(npu.scenarios().get(5).stepTps()).hasSize(511);
    }

    @Test
    void earlyEosIsFlaggedPerScenario() throws Exception {
        String json = Files.readString(LEGACY).replaceFirst("\"actual_decode_tokens\": 32", "\"actual_decode_tokens\": 20");
        EngineReport npu = LegacyImporter.read("f.json", tree(json)).getFirst();
        assertThat(npu.warnings()).anySatisfy(w -> {
            assertThat(w.code()).isEqualTo("token_count_mismatch");
            assertThat(w.scenario()).isEqualTo("S1");
            assertThat(w.message()).contains("20 of 32");
        });
    }

    @Test
    void growingTtftIsNotFlaggedAsPadded() throws Exception {
        String json = """
                {"npu_results": [
                  {"scenario_id": "S1", "prompt_length": 16, "decode_length": 32, "ttft_median_ms": 20, "ttft_std_ms": 1,
                   "tps_median": 50, "tps_std": 1, "prefill_tps_median": 800, "prefill_tps_std": 10, "actual_decode_tokens": 32},
                  {"scenario_id": "S5", "prompt_length": 1024, "decode_length": 128, "ttft_median_ms": 400, "ttft_std_ms": 4,
                   "tps_median": 45, "tps_std": 1, "prefill_tps_median": 2560, "prefill_tps_std": 10, "actual_decode_tokens": 128}]}
                """;
        EngineReport npu = LegacyImporter.read("f.json", tree(json)).getFirst();
        assertThat(npu.warnings()).extracting(Warning::code).doesNotContain("ttft_not_growing", "estimated_metrics");
        assertThat(npu.metrics().gpuUtilisation()).isNull();
    }

    @Test
    void wrongTypesAreReportedWithTheirJsonPath() {
        String json = """
                {"npu_results": [{"scenario_id": "S1", "prompt_length": "sixteen", "decode_length": 32}]}
                """;
        assertThatThrownBy(() -> LegacyImporter.read("bad.json", tree(json)))
                .isInstanceOf(SiteException.class)
                .hasMessageContaining("bad.json at $.npu_results[0].prompt_length")
                .hasMessageContaining("expected an integer");
        assertThatThrownBy(() -> LegacyImporter.read("bad.json", tree("{\"npu_results\": {}}")))
                .hasMessageContaining("$.npu_results: expected an array");
        assertThatThrownBy(() -> LegacyImporter.read("bad.json", tree("{\"npu_results\": [], \"cpu_results\": []}")))
                .hasMessageContaining("no measurement");
        assertThatThrownBy(() -> LegacyImporter.read("bad.json", tree("""
                {"npu_results": [{"scenario_id": "S1", "prompt_length": 16, "decode_length": 32, "ttft_median_ms": -1}]}
                """))).hasMessageContaining("$.npu_results[0].ttft_median_ms: expected a finite number >= 0");
    }

    @Test
    void cpuResultsBecomeTheBaseline(@TempDir Path tmp) throws Exception {
        String json = Files.readString(LEGACY).replace("\"cpu_results\": []", """
                "cpu_results": [
                  {"scenario_id": "S1", "prompt_length": 16, "decode_length": 32, "ttft_median_ms": 120.5, "ttft_std_ms": 2,
                   "tps_median": 8.3, "tps_std": 0.1, "prefill_tps_median": 132.8, "prefill_tps_std": 2, "actual_decode_tokens": 32}]""");
        Path file = tmp.resolve("in/benchmark_results.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, json);
        Path docs = tmp.resolve("docs");
        new SiteBuilder(new Templates(null), new TestCharts()).build(
                new SiteBuilder.Options(List.of(file), null, docs, List.of(Lang.KO), null));
        String page = Files.readString(docs.resolve("benchmarks.ko.md"));
        assertThat(page).contains("### 속도 향상", "**CPU** 엔진을 기준선으로 삼았습니다", "| S1 | NPU (Metal GPU) |");
    }

    static String koreanPage(Path tmp) throws SiteException, IOException {
        Path docs = tmp.resolve("docs");
        new SiteBuilder(new Templates(null), new TestCharts()).build(
                new SiteBuilder.Options(List.of(LEGACY), null, docs, List.of(Lang.KO), null));
        return Files.readString(docs.resolve("benchmarks.ko.md"), StandardCharsets.UTF_8);
    }

    private static String[] cells(String row) {
        String inner = row.strip();
        inner = inner.substring(1, inner.length() - 1);
        return java.util.Arrays.stream(inner.split("\\|")).map(String::strip).toArray(String[]::new);
    }

    private static com.fasterxml.jackson.databind.JsonNode tree(String json) throws IOException {
        return dev.llmbench.results.ResultsJson.mapper().readTree(json);
    }
}
