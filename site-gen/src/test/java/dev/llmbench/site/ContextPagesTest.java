package dev.llmbench.site;

import dev.llmbench.results.BenchmarkResults;
import dev.llmbench.results.CacheFill;
import dev.llmbench.results.ContextPosition;
import dev.llmbench.results.Protocol;
import dev.llmbench.site.chart.Charts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Files of the context suite get the context scaling section on both pages, its charts and the engine comparison. */
class ContextPagesTest {
    /**
     * A file of the context suite: positions 1, 64 and 4096, two runs of two steps each; a step takes
     * {@code base + perToken * position} ms, the second run 2 % longer.
     */
    static BenchmarkResults context(BenchmarkResults base, double baseMs, double perToken, CacheFill fill) {
        List<ContextPosition> positions = new ArrayList<>();
        for (int position : new int[]{1, 64, 4096}) {
            double ms = baseMs + perToken * position;
            positions.add(new ContextPosition(position, fill, 2, List.of(
                    new ContextPosition.Run(0, false, 0.5, List.of(ms, ms)),
                    new ContextPosition.Run(1, false, 0.5, List.of(ms * 1.02, ms * 1.02)))));
        }
        Protocol p = base.protocol();
        Protocol context = new Protocol("context", 0, 2, p.clock(), p.timerOverheadNs(), true, p.promptSource(), p.seed());
        return new BenchmarkResults(base.schemaVersion(), base.run(), base.environment(), base.engine(), base.model(),
                context, base.load(), List.of(), List.of(), positions);
    }

    @Test
    void sectionOnBothPagesWithTheComparisonAndItsCharts(@TempDir Path tmp) throws Exception {
        Instant start = Instant.parse("2026-11-20T09:00:00Z");
        FixtureResults.write(tmp.resolve("results/v0.3.0/java-qwen2.5-0.5b.json"),
                context(FixtureResults.java("v0.3.0", 1.0, 7L, start), 80.0, 0.01, CacheFill.DIRECT));
        FixtureResults.write(tmp.resolve("results/v0.3.0/cuda-qwen2.5-0.5b.json"),
                context(FixtureResults.cuda("v0.3.0", 1.0, 7L, start), 2.0, 0.0005, CacheFill.PREFILL));
        assertThat(ConcurrencyPagesTest.run("site", tmp.resolve("results").toString(), "--docs",
                tmp.resolve("docs").toString(), "--out", tmp.resolve("site").toString())).isZero();
        String ko = Files.readString(tmp.resolve("docs/benchmarks.ko.md"));
        String en = Files.readString(tmp.resolve("docs/benchmarks.md"));
        // java at position 1: the median of 80.01, 80.01, 81.6102, 81.6102 ms is 80.8101 ms, 12.37 tokens/s
        assertThat(ko).contains("## 컨텍스트 스케일링", "### java (CPU)", "| 1 | 12.4 | 80.8 ± 0.9 | 직접 (랜덤 값) |",
                "| 4096 | 8.2 | 122.2 ± 1.4 | 직접 (랜덤 값) |", "| 64 | 487.3 | 2.05 ± 0.02 | prefill |",
                "**java (CPU)** 엔진을 기준으로 삼았습니다",
                "| 위치 | java (CPU) TPS | java (CPU) 스텝 (ms) | cuda (NVIDIA H100 80GB HBM3) TPS |",
                "| 1 | 12.4 | 80.8 | 494.9 | 2.02 | 40.00× |",
                "- **prefill**:", "- **직접 (랜덤 값)**:",
                Charts.CONTEXT_SCALING + ")", Charts.CONTEXT_COMPARISON + ")",
                "--suite context --max-cache-len 2048 --prefill-seq-len 256 --steps 2 --positions 1,64,4096");
        assertThat(ko).doesNotContain("### 시나리오", "| S1 |", "이전 도구의 파일");
        assertThat(en).contains("## Context scaling", "### Engine comparison", "| 1 | 12.4 | 80.8 | 494.9 | 2.02 | 40.00× |",
                "Panel 3 — TPS ratio by cache position");
        for (String lang : List.of("ko", "en")) {
            for (String png : List.of(Charts.CONTEXT_SCALING, Charts.CONTEXT_COMPARISON)) {
                BufferedImage image = ImageIO.read(tmp.resolve("docs/assets/" + lang + "/" + png).toFile());
                assertThat(image.getWidth()).as(png).isGreaterThan(1900);
                long ink = 0;
                for (int x = 0; x < image.getWidth(); x += 2) {
                    for (int y = 0; y < image.getHeight(); y += 2) {
                        ink += (image.getRGB(x, y) & 0xffffff) != 0xffffff ? 1 : 0;
                    }
                }
                assertThat(ink).as("drawn pixels of %s", png).isGreaterThan(4000);
            }
        }
    }

    @Test
    void oneEngineHasNoComparisonAndScenarioPagesNoSection(@TempDir Path tmp) throws Exception {
        Instant start = Instant.parse("2026-11-20T09:00:00Z");
        FixtureResults.write(tmp.resolve("results/v0.3.0/java-qwen2.5-0.5b.json"),
                context(FixtureResults.java("v0.3.0", 1.0, 7L, start), 80.0, 0.01, CacheFill.DIRECT));
        assertThat(ConcurrencyPagesTest.run("site", tmp.resolve("results").toString(), "--docs",
                tmp.resolve("docs").toString())).isZero();
        String ko = Files.readString(tmp.resolve("docs/benchmarks.ko.md"));
        assertThat(ko).contains("## 컨텍스트 스케일링", Charts.CONTEXT_SCALING).doesNotContain("### 엔진 비교");
        assertThat(tmp.resolve("docs/assets/ko/" + Charts.CONTEXT_COMPARISON)).doesNotExist();

        assertThat(ConcurrencyPagesTest.run("site", "src/test/resources/results", "--docs",
                tmp.resolve("plain").toString())).isZero();
        assertThat(Files.readString(tmp.resolve("plain/benchmarks.ko.md"))).doesNotContain("컨텍스트 스케일링");
        assertThat(tmp.resolve("plain/assets/ko/" + Charts.CONTEXT_SCALING)).doesNotExist();
    }
}
