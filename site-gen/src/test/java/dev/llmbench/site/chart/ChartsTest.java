package dev.llmbench.site.chart;

import dev.llmbench.site.analysis.ReleaseReport;
import dev.llmbench.site.analysis.ScenarioSummary;
import dev.llmbench.site.analysis.Summary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static dev.llmbench.site.chart.ChartFixtures.release;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChartsTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"ko", "en"})
    void releaseChartsHaveTheirSizeAndThreeDrawnPanelsInEngineColours(String lang) {
        ReleaseReport report = release("v0.2", ChartFixtures.cuda(3), ChartFixtures.javaCpu(4));

        List<Path> files = Charts.writeRelease(report, lang, dir);

        assertThat(files).extracting(p -> p.getFileName().toString())
                .containsExactly("benchmark_chart.png", "ttft_vs_prompt.png", "step_tps.png", "throughput.png");
        BufferedImage combined = PixelChecks.read(files.get(0));
        assertThat(combined.getWidth()).isEqualTo(3000);
        assertThat(combined.getHeight()).isEqualTo(750);
        for (Path single : files.subList(1, 4)) {
            BufferedImage image = PixelChecks.read(single);
            assertThat(image.getWidth()).as(single.toString()).isEqualTo(1000);
            assertThat(image.getHeight()).as(single.toString()).isEqualTo(700);
            assertThat(PixelChecks.nonBackground(image, 0, 1000)).as(single.toString()).isGreaterThan(20_000);
        }
        int third = combined.getWidth() / 3;
        for (int panel = 0; panel < 3; panel++) {
            int x0 = panel * third;
            assertThat(PixelChecks.nonBackground(combined, x0, x0 + third)).as("panel %d drawn", panel)
                    .isGreaterThan(20_000);
            for (int engine = 0; engine < 2; engine++) {
                assertThat(PixelChecks.near(combined, x0, x0 + third, ChartStyle.engineColor(engine), 6))
                        .as("panel %d shows engine %d in its colour", panel, engine).isGreaterThan(150);
            }
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).as("no temporary file left behind")
                    .containsExactlyInAnyOrder("benchmark_chart.png", "ttft_vs_prompt.png", "step_tps.png",
                            "throughput.png");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void legacyReportWithoutSamplesIsDrawnFromMediansAndSpreads() {
        List<Path> files = Charts.writeRelease(release("v0.1", ChartFixtures.legacyMetal()), "ko", dir);

        BufferedImage combined = PixelChecks.read(files.get(0));
        Color engine = ChartStyle.engineColor(0);
        for (int panel = 0; panel < 3; panel++) {
            assertThat(PixelChecks.near(combined, panel * 1000, panel * 1000 + 1000, engine, 6))
                    .as("panel %d", panel).isGreaterThan(150);
        }
    }

    @Test
    void missingStepDataGivesANoteInsteadOfAPlot() {
        ReleaseReport report = release("v1", ChartFixtures.engine("java (CPU)", false,
                withoutSteps(ChartFixtures.javaCpu(1).scenarios())));

        List<Path> files = Charts.writeRelease(report, "en", dir);

        BufferedImage combined = PixelChecks.read(files.get(0));
        Color engine = ChartStyle.engineColor(0);
        assertThat(PixelChecks.near(combined, 1000, 2000, engine, 6)).as("no step line").isZero();
        assertThat(PixelChecks.nonBackground(combined, 1000, 2000)).as("title and note drawn").isGreaterThan(2_000);
        assertThat(PixelChecks.near(combined, 0, 1000, engine, 6)).as("TTFT still drawn").isGreaterThan(150);
        BufferedImage steps = PixelChecks.read(files.get(2));
        assertThat(steps.getWidth()).isEqualTo(1000);
    }

    @Test
    void aSingleScenarioAndAReportWithoutEnginesStillGiveEveryFile() {
        ScenarioSummary only = ChartFixtures.javaCpu(2).scenarios().getFirst();
        List<Path> one = Charts.writeRelease(release("v1", ChartFixtures.engine("java (CPU)", false, List.of(only))),
                "ko", dir.resolve("one"));
        List<Path> none = Charts.writeRelease(release("v2"), "en", dir.resolve("none"));

        assertThat(one).hasSize(4).allSatisfy(p -> assertThat(p).isRegularFile());
        assertThat(none).hasSize(4).allSatisfy(p -> assertThat(p).isRegularFile());
        BufferedImage combined = PixelChecks.read(one.get(0));
        for (int panel = 0; panel < 3; panel++) {
            assertThat(PixelChecks.near(combined, panel * 1000, panel * 1000 + 1000, ChartStyle.engineColor(0), 6))
                    .as("panel %d", panel).isGreaterThan(40);
        }
    }

    @Test
    void theDefaultLocaleDoesNotChangeAPixel() {
        ReleaseReport report = release("v1", ChartFixtures.javaCpu(5), ChartFixtures.cuda(6));
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            Charts.writeCombined(report, "ko", dir.resolve("de.png"));
            Locale.setDefault(Locale.of("ar", "EG"));
            Charts.writeCombined(report, "ko", dir.resolve("ar.png"));
        } finally {
            Locale.setDefault(saved);
        }
        Charts.writeCombined(report, "ko", dir.resolve("default.png"));

        int[] reference = pixels(PixelChecks.read(dir.resolve("default.png")));
        assertThat(pixels(PixelChecks.read(dir.resolve("de.png")))).isEqualTo(reference);
        assertThat(pixels(PixelChecks.read(dir.resolve("ar.png")))).isEqualTo(reference);
    }

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    @Test
    void combinedChartAloneForTheChartOption() {
        Path file = dir.resolve("out/chart.png");

        Charts.writeCombined(release("v1", ChartFixtures.javaCpu(5)), "en", file);

        BufferedImage image = PixelChecks.read(file);
        assertThat(image.getWidth()).isEqualTo(3000);
        assertThat(image.getHeight()).isEqualTo(750);
    }

    @Test
    void trendsNeedTwoReleasesAndDrawEveryScenario() {
        ReleaseReport a = release("v0.1", ChartFixtures.javaCpu(1));
        ReleaseReport b = release("v0.2", ChartFixtures.javaCpu(2), ChartFixtures.cuda(3));

        assertThat(Charts.writeTrends(List.of(a), "ko", dir.resolve("single"))).isEmpty();
        assertThat(dir.resolve("single")).doesNotExist();

        List<Path> files = Charts.writeTrends(List.of(a, b), "ko", dir);
        assertThat(files).extracting(p -> p.getFileName().toString())
                .containsExactly("trend_ttft.png", "trend_decode_tps.png");
        for (Path f : files) {
            BufferedImage image = PixelChecks.read(f);
            assertThat(image.getWidth()).isEqualTo(1400);
            assertThat(image.getHeight()).isEqualTo(760);
            for (int s = 0; s < ChartFixtures.SUITE.length; s++) {
                assertThat(PixelChecks.near(image, 0, image.getWidth(), ChartStyle.scenarioColor(s), 6))
                        .as("%s scenario %d", f.getFileName(), s).isGreaterThan(100);
            }
        }
    }

    @Test
    void unknownLanguageAndUnwritableFolderAreReportedByName() throws IOException {
        ReleaseReport report = release("v1", ChartFixtures.javaCpu(1));
        assertThatThrownBy(() -> Charts.writeRelease(report, "fr", dir))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'fr'").hasMessageContaining("ko");

        Path blocker = Files.writeString(dir.resolve("assets"), "a file where the folder should be");
        assertThatThrownBy(() -> Charts.writeRelease(report, "en", blocker))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("benchmark_chart.png");
        assertThat(Files.readString(blocker)).isEqualTo("a file where the folder should be");
    }

    private static List<ScenarioSummary> withoutSteps(List<ScenarioSummary> scenarios) {
        List<ScenarioSummary> out = new ArrayList<>();
        for (ScenarioSummary s : scenarios) {
            out.add(new ScenarioSummary(s.id(), s.promptTokens(), s.decodeTokens(), s.ttftMs(), s.decodeTps(),
                    s.prefillTps(), List.of(), null, null));
        }
        return out;
    }

    static ScenarioSummary scenario(String id, int prompt, int decode, double ttft, double ttftSd, double decodeTps,
                                    List<Double> steps) {
        return new ScenarioSummary(id, prompt, decode, Summary.ofMedian(ttft, ttftSd, false),
                Summary.ofMedian(decodeTps, 0, false), Summary.ofMedian(prompt / ttft * 1000, 0, false), steps,
                null, null);
    }
}
