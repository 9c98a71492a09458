package dev.llmbench.site;

import dev.llmbench.results.BenchmarkResults;
import dev.llmbench.results.CacheFill;
import dev.llmbench.results.EngineInfo;
import dev.llmbench.results.LoadMetrics;
import dev.llmbench.site.cli.SiteMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One engine with two files in one release, {@code src/test/resources/one-engine/v0.3.0}: its scenario suite
 * ({@code cuda-qwen2.5-0.5b.json}) and its context suite ({@code cuda-qwen2.5-0.5b-context.json}, a longer cache,
 * other load figures). The pages show one engine, its scenarios in the results and its positions in the context
 * section, and name a suite only where the two files differ; the diff matches the scenario file with the previous
 * release's and says the context suite has no counterpart. Regenerate the files with
 * {@code java ... dev.llmbench.site.OneEnginePagesTest site-gen/src/test/resources/one-engine}.
 */
class OneEnginePagesTest {
    static final Path FIXTURE = Path.of("src/test/resources/one-engine");
    static final String CUDA = "cuda (NVIDIA H100 80GB HBM3)";

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : "site-gen/src/test/resources/one-engine");
        Instant start = Instant.parse("2026-11-20T09:00:00Z");
        BenchmarkResults suite = FixtureResults.cuda("v0.3.0", 0.95, 31L, start);
        FixtureResults.write(root.resolve("v0.3.0/cuda-qwen2.5-0.5b.json"), suite);
        BenchmarkResults context = ContextPagesTest.context(FixtureResults.cuda("v0.3.0", 0.95, 32L,
                start.plusSeconds(600)), 2.0, 0.0005, CacheFill.DIRECT);
        Map<String, Object> settings = new TreeMap<>(context.engine().settings());
        settings.put("max_cache_len", 8192);
        settings.put("prefill_seq_len", 128);
        LoadMetrics load = context.load();
        context = new BenchmarkResults(context.schemaVersion(), context.run(), context.environment(),
                new EngineInfo("cuda", context.engine().version(), settings), context.model(), context.protocol(),
                new LoadMetrics(1910.0, load.weightLoadMs(), 2_150_000_000L, load.peakMemoryMethod(),
                        1_698_000_000L, load.deviceMemoryMethod()),
                context.scenarios(), context.warnings(), context.context());
        FixtureResults.write(root.resolve("v0.3.0/cuda-qwen2.5-0.5b-context.json"), context);
    }

    @Test
    void oneEngineWithItsScenariosAndItsContextSuite(@TempDir Path tmp) throws Exception {
        assertThat(ConcurrencyPagesTest.run("site", FIXTURE.toString(), "--docs", tmp.resolve("docs").toString(),
                "--out", tmp.resolve("site").toString())).isZero();
        String ko = Files.readString(tmp.resolve("docs/benchmarks.ko.md"));
        String en = Files.readString(tmp.resolve("docs/benchmarks.md"));
        String koHtml = Files.readString(tmp.resolve("site/releases/v0.3.0/index.html"));

        // one engine label, no file name or model added to it
        assertThat(ko).contains("릴리스 `v0.3.0`에서 " + CUDA + " 엔진으로 측정한 synthetic:qwen2.5-0.5b 성능 벤치마크입니다.");
        assertThat(en).contains("Performance of synthetic:qwen2.5-0.5b on " + CUDA + ", release `v0.3.0`.");
        for (String page : new String[] {ko, en}) {
            // file names only where files are meant: the reproduce commands and the JSON section
            String body = page.substring(0, page.indexOf("```bash"));
            assertThat(body).doesNotContain(".json", CUDA + " ·");
            // one section per part of the page: results with the scenario table, context scaling with the positions
            assertThat(count(page, "### " + CUDA + "\n")).isEqualTo(2);
            assertThat(page).contains("| S1 | 16 | 32 |", "| S6 | 64 | 512 |", "| 4096 | ");
        }
        assertThat(koHtml).doesNotContain("cuda-qwen2.5-0.5b-context.json ·", CUDA + " · ");
        assertThat(Files.readString(tmp.resolve("site/index.html"))).contains("<td>" + CUDA + "</td>");

        // the settings in a table, a column for the engine: where its two files differ, each suite's value; the same
        // machine is named once
        assertThat(ko).contains("### 엔진 설정\n\n엔진이 결과 파일에 기록한 설정입니다. 같은 엔진이라도 스위트마다 값이 다르면",
                "| 설정 | " + CUDA + " |\n|---|---|\n", "| cuda\\_graphs | true |",
                "| max\\_cache\\_len | 시나리오 스위트: 2048 · 컨텍스트 스위트: 8192 |",
                "| prefill\\_seq\\_len | 시나리오 스위트: 512 · 컨텍스트 스위트: 128 |",
                "| 지표 | 값 (컨텍스트 스위트) |", "| 피크 장치 메모리 | 1,619 MB",
                "- **측정**: 3회 워밍업 후 5회 실행",
                "- **측정**: 위치마다 0회 워밍업 후 2회 실행, 실행마다 디코드 스텝 2회",
                "## 컨텍스트 스케일링");
        assertThat(en).contains("### Engine settings\n", "| Setting | " + CUDA + " |",
                "| max\\_cache\\_len | scenario suite: 2048 · context suite: 8192 |", "| Metric | Value (context suite) |");
        assertThat(ko).doesNotContain("- **엔진 설정**");
        assertThat(count(ko, "    " + CUDA + ": Intel(R) Xeon(R) Platinum 8480+")).isEqualTo(1);
        assertThat(ko).doesNotContain("### 엔진 비교", "### 속도 향상");
        assertThat(ko.indexOf("--suite default")).isLessThan(ko.indexOf("--suite context"));
        // charts of both suites
        assertThat(tmp.resolve("docs/assets/ko/benchmark_chart.png")).exists();
        assertThat(tmp.resolve("docs/assets/ko/context_scaling.png")).exists();
        assertThat(tmp.resolve("docs/assets/ko/context_comparison.png")).doesNotExist();
    }

    @Test
    void theDiffComparesTheScenarioFileAndNamesTheContextSuiteUnmatched() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = SiteMain.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                "diff", "src/test/resources/results/v0.2.0", FIXTURE.resolve("v0.3.0").toString());
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).isZero();
        assertThat(text).contains("\n" + CUDA + " / synthetic:qwen2.5-0.5b\n", "  S1  ",
                "비교 제외: " + CUDA + " / synthetic:qwen2.5-0.5b의 컨텍스트 스위트 (v0.3.0에만 있음)",
                "비교 제외: java (CPU) / synthetic:qwen2.5-0.5b (v0.2.0에만 있음)");
        assertThat(text).doesNotContain(".json", "공통 엔진");
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
