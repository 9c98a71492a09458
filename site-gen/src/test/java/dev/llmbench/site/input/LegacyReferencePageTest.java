package dev.llmbench.site.input;

import dev.llmbench.site.SiteBuilder;
import dev.llmbench.site.TestCharts;
import dev.llmbench.site.render.Lang;
import dev.llmbench.site.render.Templates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The old tool's later Korean page (sweetcocoa/pytorch-apple, docs/benchmarks.ko.md at 873f24c) is the reference:
 * every row of its four tables must come out of the old tool's own JSON files, read by {@code ./bench site}.
 *
 * <p>The fixtures under {@code legacy/reference/} are in the exact format of the old tool's
 * {@code benchmark_qwen.py} (its {@code save_json}): {@code benchmark_results.json} is {@code --mode both} on Metal
 * (both lists, 16 positions), {@code cuda_benchmark_results.json} is {@code --mode dag --backend cuda} (the old tool
 * puts the CUDA results in {@code dag_results} and leaves {@code executor_results} empty; its {@code --backend both}
 * file holds the Metal DAG results only, the CUDA ones are printed, never written, so it cannot be the source of
 * the CUDA table). The page's numbers are in them as the page rounds them. Values the page does not give, chosen:
 * <ul>
 *   <li>{@code step_time_std_ms} of every position (the page shows no spread): 0.6–4.1 ms on Metal as the old
 *       tool's chart shows, 9.7 at the Metal DAG's first position (its cold step), 0.18–0.52 ms on CUDA;</li>
 *   <li>{@code ttft_ms} of the Metal DAG list (361.0 ms; the page gives only the Executor's 359.5 ms as Metal TTFT);
 *       CUDA's is the page's 34.3 ms;</li>
 *   <li>{@code compile_time_sec} and {@code weight_load_time_sec} with more digits than the page (0.1912, 1.4387,
 *       0.3311) and the CUDA run's {@code weight_load_time_sec} of 1.1e-06: that run times an empty block, its
 *       DAG executor loads the weights untimed, so the page says the weight load was not measured;</li>
 *   <li>the CUDA run's {@code environment} as the old tool's {@code get_environment_info} writes it on Linux (WSL2):
 *       no GPU name (chipset and metal_gpu "unknown", ram_gb 0, macos empty), so the label says "CUDA", not
 *       "RTX 3090 Ti";</li>
 *   <li>the step time of three CUDA positions within the page's rounding (64: 32.74, 1024: 32.32, 32640: 32.54 ms):
 *       the page's TPS there (30.5, 30.9, 30.7) is not 1000 / its rounded step (30.6, 31.0, 30.8), and the old tool's
 *       {@code tps} is always 1000 / {@code step_time_ms}; every other step time is the page's value, every
 *       {@code tps} is 1000 / step.</li>
 * </ul>
 *
 * <p>The reference's CUDA speed-ups (its "Speedup" columns) are ratios of its rounded TPS (10.9 = 30.6 / 2.8 at
 * position 1, 11.4 = 31.9 / 2.8 for peak TPS), where the unrounded ratio is 10.99 and 11.49. Our page prints the
 * unrounded ratio to two decimals; the test checks it against the interval the reference's rounded step times
 * allow, and that the reference's own figure is what its method gives from our page's TPS cells. The Metal ratio
 * (DAG / Executor, two decimals) is the unrounded ratio on both pages and must match exactly.
 */
class LegacyReferencePageTest {
    static final Path METAL = Path.of("src/test/resources/legacy/reference/benchmark_results.json");
    static final Path CUDA = Path.of("src/test/resources/legacy/reference/cuda_benchmark_results.json");

    /** The reference's "스케일링 결과" table, as it stands on its page. */
    static final String METAL_TABLE = """
            | 1 | 2.8 | 359.5 | 2.7 | 372.1 | 0.97x |
            | 2 | 2.8 | 360.8 | 2.8 | 362.1 | 1.00x |
            | 4 | 2.8 | 360.9 | 2.8 | 362.8 | 0.99x |
            | 8 | 2.8 | 361.8 | 2.8 | 361.8 | 1.00x |
            | 16 | 2.8 | 361.1 | 2.8 | 362.1 | 1.00x |
            | 32 | 2.8 | 361.3 | 2.8 | 362.5 | 1.00x |
            | 64 | 2.8 | 361.8 | 2.8 | 362.2 | 1.00x |
            | 128 | 2.8 | 363.5 | 2.7 | 363.9 | 1.00x |
            | 256 | 2.7 | 365.3 | 2.7 | 365.5 | 1.00x |
            | 512 | 2.7 | 368.7 | 2.7 | 369.4 | 1.00x |
            | 1024 | 2.7 | 374.9 | 2.7 | 375.4 | 1.00x |
            | 2048 | 2.6 | 389.7 | 2.6 | 390.3 | 1.00x |
            | 4096 | 2.4 | 417.1 | 2.4 | 420.6 | 0.99x |
            | 8192 | 2.1 | 475.3 | 2.1 | 474.6 | 1.00x |
            | 16384 | 1.7 | 588.4 | 1.7 | 590.3 | 1.00x |
            | 32640 | 1.2 | 813.6 | 1.2 | 818.2 | 0.99x |
            """;

    /** The reference's "CUDA 스케일링 결과" table: CUDA TPS, CUDA step, Metal TPS, Metal step, speed-up. */
    static final String CUDA_TABLE = """
            | 1 | 30.6 | 32.7 | 2.8 | 359.5 | 10.9x |
            | 2 | 31.1 | 32.2 | 2.8 | 360.8 | 11.1x |
            | 4 | 31.0 | 32.3 | 2.8 | 360.9 | 11.1x |
            | 8 | 30.2 | 33.1 | 2.8 | 361.8 | 10.8x |
            | 16 | 30.5 | 32.8 | 2.8 | 361.1 | 10.9x |
            | 32 | 30.1 | 33.2 | 2.8 | 361.3 | 10.8x |
            | 64 | 30.5 | 32.7 | 2.8 | 361.8 | 10.9x |
            | 128 | 30.9 | 32.4 | 2.8 | 363.5 | 11.0x |
            | 256 | 30.9 | 32.4 | 2.7 | 365.3 | 11.4x |
            | 512 | 31.9 | 31.3 | 2.7 | 368.7 | 11.8x |
            | 1024 | 30.9 | 32.3 | 2.7 | 374.9 | 11.4x |
            | 2048 | 30.0 | 33.3 | 2.6 | 389.7 | 11.5x |
            | 4096 | 30.3 | 33.0 | 2.4 | 417.1 | 12.6x |
            | 8192 | 31.0 | 32.3 | 2.1 | 475.3 | 14.8x |
            | 16384 | 29.8 | 33.6 | 1.7 | 588.4 | 17.5x |
            | 32640 | 30.7 | 32.5 | 1.2 | 813.6 | 25.6x |
            """;

    static final String EXECUTOR = "Executor (Metal)";
    static final String DAG = "DAGExecutor (Metal)";
    static final String CUDA_DAG = "DAGExecutor (CUDA)";

    @Test
    void everyRowOfTheMetalScalingTableComesOut(@TempDir Path tmp) throws Exception {
        Table t = comparison(page(tmp, Lang.KO, METAL, CUDA), "| 위치 |");
        List<List<String>> reference = rows(METAL_TABLE);
        assertThat(reference).hasSize(16);
        for (List<String> r : reference) {
            Map<String, String> ours = t.row(r.get(0));
            assertThat(ours).as("position %s", r.get(0)).isNotNull();
            assertThat(ours.get(EXECUTOR + " TPS")).as("Executor TPS at %s", r.get(0)).isEqualTo(r.get(1));
            assertThat(ours.get(EXECUTOR + " 스텝 (ms)")).as("Executor step at %s", r.get(0)).isEqualTo(r.get(2));
            assertThat(ours.get(DAG + " TPS")).as("DAG TPS at %s", r.get(0)).isEqualTo(r.get(3));
            assertThat(ours.get(DAG + " 스텝 (ms)")).as("DAG step at %s", r.get(0)).isEqualTo(r.get(4));
            assertThat(ours.get(DAG + " / " + EXECUTOR)).as("ratio at %s", r.get(0)).isEqualTo(r.get(5).replace("x", "×"));
        }
        assertThat(t.rows).hasSize(16);
    }

    @Test
    void everyRowOfTheCudaScalingTableComesOut(@TempDir Path tmp) throws Exception {
        Table t = comparison(page(tmp, Lang.KO, METAL, CUDA), "| 위치 |");
        for (List<String> r : rows(CUDA_TABLE)) {
            Map<String, String> ours = t.row(r.get(0));
            assertThat(ours).as("position %s", r.get(0)).isNotNull();
            assertThat(ours.get(CUDA_DAG + " TPS")).as("CUDA TPS at %s", r.get(0)).isEqualTo(r.get(1));
            assertThat(ours.get(CUDA_DAG + " 스텝 (ms)")).as("CUDA step at %s", r.get(0)).isEqualTo(r.get(2));
            assertThat(ours.get(EXECUTOR + " TPS")).as("Metal TPS at %s", r.get(0)).isEqualTo(r.get(3));
            assertThat(ours.get(EXECUTOR + " 스텝 (ms)")).as("Metal step at %s", r.get(0)).isEqualTo(r.get(4));
            double speedup = times(r.get(5).replace("x", "×"));
            double ourRatio = times(ours.get(CUDA_DAG + " / " + EXECUTOR));
            // the reference's method: its rounded CUDA TPS over its rounded Metal TPS, from our page's cells
            assertThat(round1(Double.parseDouble(ours.get(CUDA_DAG + " TPS")) / Double.parseDouble(ours.get(EXECUTOR + " TPS"))))
                    .as("speed-up of rounded TPS at %s", r.get(0)).isEqualTo(speedup);
            // our unrounded ratio: within what the reference's rounded step times allow
            assertWithinRounding(ourRatio, Double.parseDouble(r.get(4)), Double.parseDouble(r.get(2)), "position " + r.get(0));
        }
    }

    @Test
    void everyMetricsRowComesOut(@TempDir Path tmp) throws Exception {
        String page = page(tmp, Lang.KO, METAL, CUDA);
        Table m = comparison(page, "| 지표 |");
        // the Metal table: compile 0.19 sec, weight load 1.44 sec, DAG/Executor TPS ratio ~1.00x
        assertThat(m.row("컴파일 시간")).containsEntry(EXECUTOR, "0.19 sec").containsEntry(DAG, "0.19 sec")
                .containsEntry(CUDA_DAG, "0.33 sec");
        assertThat(m.row("가중치 로딩 시간")).containsEntry(EXECUTOR, "1.44 sec").containsEntry(DAG, "1.44 sec");
        assertThat(m.row("가중치 로딩 시간").get(CUDA_DAG)).startsWith("— (측정 안 됨");
        assertThat(m.row("TPS 비율 (위치별 중앙값)")).containsEntry(DAG + " / " + EXECUTOR, "1.00×");
        // the CUDA table: TTFT 359.5 ms / 34.3 ms, 10.5x; Peak TPS 2.8 / 31.9 tok/s, 11.4x; compile 0.19 / 0.33 sec
        Map<String, String> ttft = m.row("TTFT (이전 도구)");
        assertThat(ttft).containsEntry(EXECUTOR, "359.5 ms").containsEntry(CUDA_DAG, "34.3 ms");
        assertThat(round1(times(ttft.get(CUDA_DAG + " / " + EXECUTOR)))).isEqualTo(10.5);
        Map<String, String> peak = m.row("최고 TPS");
        assertThat(peak).containsEntry(EXECUTOR, "2.8 (위치 1)").containsEntry(CUDA_DAG, "31.9 (위치 512)");
        assertThat(round1(31.9 / 2.8)).isEqualTo(11.4); // the reference's figure, from its rounded TPS
        assertWithinRounding(times(peak.get(CUDA_DAG + " / " + EXECUTOR)), 359.5, 31.3, "peak TPS");
        // each engine's own table: its compile and weight loading time, its TTFT (flat by design) and peak TPS
        assertThat(page).contains("### Executor (Metal)\n\n| 지표 | 값 |\n|------|-----|\n| 컴파일 시간 | 0.19 sec |\n"
                        + "| 가중치 로딩 시간 | 1.44 sec |",
                "### DAGExecutor (CUDA)\n\n| 지표 | 값 |\n|------|-----|\n| 컴파일 시간 | 0.33 sec |\n",
                "- **TTFT (이전 도구)**: 34.3 ms. 고정 prefill 창을 잰 값이라 모든 위치에서 같습니다.",
                "- **최고 TPS**: 31.9 (위치 512)", "이전 도구의 TTFT는 이 고정 창의 prefill 시간이므로 설계상 위치와 상관없이 같습니다",
                "DAGExecutor (CUDA): Linux-6.6.87.2-microsoft-standard-WSL2-x86\\_64-with-glibc2.39, Python 3.14.0.",
                "Executor (Metal): Apple M4 Pro, 48 GB RAM, macOS 26.2, Python 3.14.0.");
        assertThat(page).doesNotContain("0 GB RAM");
    }

    @Test
    void theEnglishPageHasTheSameRows(@TempDir Path tmp) throws Exception {
        Table t = comparison(page(tmp, Lang.EN, METAL, CUDA), "| Position |");
        assertThat(t.row("1")).containsEntry(CUDA_DAG + " TPS", "30.6").containsEntry(EXECUTOR + " step (ms)", "359.5")
                .containsEntry(DAG + " / " + EXECUTOR, "0.97×");
        assertThat(t.row("32640")).containsEntry(CUDA_DAG + " step (ms)", "32.5").containsEntry(DAG + " step (ms)", "818.2");
    }

    @Test
    void theCudaFileAloneIsOneEngineNamedForItsBackend(@TempDir Path tmp) throws Exception {
        var engines = LegacyImporter.read("cuda.json", dev.llmbench.results.ResultsJson.mapper().readTree(Files.readString(CUDA)));
        assertThat(engines).extracting(e -> e.label()).containsExactly(CUDA_DAG);
        assertThat(engines.getFirst().context()).hasSize(16);
        String page = page(tmp, Lang.KO, CUDA);
        assertThat(page).contains("### DAGExecutor (CUDA)", "| 32640 | 30.7 | 32.5 ± 0.4 | 직접 (랜덤 값) |");
        // the Metal file alone keeps the labels of the old tool's own page
        String metal = page(tmp.resolve("metal"), Lang.KO, METAL);
        assertThat(metal).contains("| 1 | 2.8 | 359.5 | 2.7 | 372.1 | 0.97× |").doesNotContain("(Metal)");
    }

    private static void assertWithinRounding(double ours, double refBaseStep, double refOtherStep, String where) {
        double lo = (refBaseStep - 0.05) / (refOtherStep + 0.05) - 0.005;
        double hi = (refBaseStep + 0.05) / (refOtherStep - 0.05) + 0.005;
        assertThat(ours).as("ratio at %s", where).isBetween(lo, hi);
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static double times(String cell) {
        assertThat(cell).endsWith("×");
        return Double.parseDouble(cell.substring(0, cell.length() - 1));
    }

    private static List<List<String>> rows(String table) {
        List<List<String>> out = new ArrayList<>();
        for (String line : table.strip().split("\n")) {
            out.add(cells(line));
        }
        return out;
    }

    private static List<String> cells(String line) {
        String s = line.strip();
        s = s.substring(1, s.length() - 1);
        List<String> out = new ArrayList<>();
        for (String c : s.split(" \\| ", -1)) {
            out.add(c.strip());
        }
        return out;
    }

    /** The table of the context comparison whose header starts with {@code head}, rows keyed by their first cell. */
    private static Table comparison(String page, String head) {
        String section = page.substring(page.indexOf("### " + (head.contains("Position") ? "Engine comparison" : "엔진 비교")));
        String[] lines = section.split("\n");
        int i = 0;
        while (!lines[i].startsWith(head)) {
            i++;
        }
        List<String> header = cells(lines[i]);
        Table t = new Table();
        for (i += 2; i < lines.length && lines[i].startsWith("|"); i++) {
            List<String> c = cells(lines[i]);
            assertThat(c).hasSize(header.size());
            Map<String, String> row = new LinkedHashMap<>();
            for (int k = 0; k < header.size(); k++) {
                row.put(header.get(k), c.get(k));
            }
            t.rows.put(c.getFirst(), row);
        }
        return t;
    }

    private static final class Table {
        final Map<String, Map<String, String>> rows = new LinkedHashMap<>();

        Map<String, String> row(String first) {
            return rows.get(first);
        }
    }

    static String page(Path tmp, Lang lang, Path... files) throws Exception {
        Path docs = tmp.resolve("docs-" + lang.name().toLowerCase(Locale.ROOT));
        new SiteBuilder(new Templates(null), new TestCharts()).build(
                new SiteBuilder.Options(List.of(files), null, docs, List.of(lang), null));
        return Files.readString(docs.resolve(lang == Lang.KO ? "benchmarks.ko.md" : "benchmarks.md"));
    }
}
