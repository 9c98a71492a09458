package dev.llmbench.site;

import dev.llmbench.results.BenchmarkResults;
import dev.llmbench.results.ConcurrencyLevel;
import dev.llmbench.results.RunSample;
import dev.llmbench.results.ScenarioResult;
import dev.llmbench.site.cli.SiteMain;
import dev.llmbench.site.chart.Charts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** A file with concurrency levels gets its table on both pages and the throughput-versus-latency chart. */
class ConcurrencyPagesTest {
    /** The java fixture with S1 run again at 4 and 16 streams (its measured runs reused as the streams). */
    static BenchmarkResults withLevels() {
        BenchmarkResults base = FixtureResults.java("v0.3.0", 1.0, 7L, Instant.parse("2026-11-20T09:00:00Z"));
        ScenarioResult s1 = base.scenarios().getFirst();
        List<RunSample> runs = s1.measuredRuns();
        List<ConcurrencyLevel> levels = new ArrayList<>();
        for (int streams : new int[]{4, 16}) {
            List<ConcurrencyLevel.Round> rounds = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                List<RunSample> each = new ArrayList<>();
                for (int k = 0; k < streams; k++) {
                    RunSample x = runs.get(k % runs.size());
                    List<Double> slower = x.stepMs().stream().map(ms -> ms * (1 + streams / 8.0)).toList();
                    each.add(new RunSample(k, r == 0, x.ttftMs() * streams / 2.0, slower, List.of(), null));
                }
                rounds.add(new ConcurrencyLevel.Round(r, r == 0, 50.0 * streams, each));
            }
            levels.add(new ConcurrencyLevel(streams, rounds));
        }
        List<ScenarioResult> all = new ArrayList<>(base.scenarios());
        all.set(0, s1.withConcurrency(levels));
        return base.withScenarios(all);
    }

    static int run(String... args) {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        return SiteMain.run(new PrintStream(sink, true, StandardCharsets.UTF_8),
                new PrintStream(sink, true, StandardCharsets.UTF_8), args);
    }

    @Test
    void tableOnBothPagesAndTheChart(@TempDir Path tmp) throws Exception {
        FixtureResults.write(tmp.resolve("results/v0.3.0/java-qwen2.5-0.5b.json"), withLevels());
        assertThat(run("site", tmp.resolve("results").toString(), "--docs", tmp.resolve("docs").toString(),
                "--out", tmp.resolve("site").toString())).isZero();
        String ko = Files.readString(tmp.resolve("docs/benchmarks.ko.md"));
        String en = Files.readString(tmp.resolve("docs/benchmarks.md"));
        assertThat(ko).contains("| ID | 스트림 | 출력 처리량 (토큰/초) | TTFT p50 / p90 / p99 (ms) | 토큰 간 지연 p50 / p90 / p99 (ms) |")
                .containsPattern("\\| S1 \\| 1 \\| [0-9,.]+ \\| [0-9,.]+ / [0-9,.]+ / [0-9,.]+ \\|")
                .containsPattern("\\| S1 \\| 16 \\| ")
                .contains("차트 4 — 동시 스트림별 처리량과 토큰 간 지연").contains(Charts.CONCURRENCY + ")");
        assertThat(en).contains("| ID | Streams | Output (tokens/s) |").containsPattern("\\| S1 \\| 4 \\| ")
                .contains("Chart 4 — Throughput vs latency by concurrency");
        assertThat(ko).doesNotContain("| S2 | 4 |"); // only S1 was run with several streams
        try (Stream<Path> files = Files.walk(tmp.resolve("docs"))) {
            List<Path> charts = files.filter(p -> p.getFileName().toString().equals(Charts.CONCURRENCY)).toList();
            assertThat(charts).hasSize(2); // ko and en
            BufferedImage image = ImageIO.read(charts.getFirst().toFile());
            assertThat(image.getWidth()).isGreaterThan(1000);
            long ink = 0;
            for (int x = 0; x < image.getWidth(); x += 2) {
                for (int y = 0; y < image.getHeight(); y += 2) {
                    ink += (image.getRGB(x, y) & 0xffffff) != 0xffffff ? 1 : 0;
                }
            }
            assertThat(ink).as("drawn pixels").isGreaterThan(2000);
        }
    }

    @Test
    void noLevelsNoTableNoChart(@TempDir Path tmp) throws Exception {
        assertThat(run("site", "src/test/resources/results", "--docs", tmp.resolve("docs").toString())).isZero();
        assertThat(Files.readString(tmp.resolve("docs/benchmarks.ko.md"))).doesNotContain("스트림 |").doesNotContain("차트 4");
        try (Stream<Path> files = Files.walk(tmp.resolve("docs"))) {
            assertThat(files.map(p -> p.getFileName().toString())).doesNotContain(Charts.CONCURRENCY);
        }
    }
}
