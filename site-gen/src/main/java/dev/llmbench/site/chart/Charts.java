package dev.llmbench.site.chart;

import dev.llmbench.site.analysis.ReleaseReport;
import org.knowm.xchart.internal.chartpart.Chart;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The chart images of the pages, as PNG: per release the three panels (TTFT over prompt length, per-step decode TPS
 * of the longest decode scenario, throughput per scenario) alone and side by side, and the trends across releases.
 * Every text is drawn with the font shipped in the jar, so Korean renders the same on any machine.
 *
 * <p>Each file is written to a temporary name and renamed into place. Write failures are thrown as
 * {@link java.io.UncheckedIOException} with the file named; an unsupported language as
 * {@link IllegalArgumentException}.
 */
public final class Charts {
    public static final String COMBINED = "benchmark_chart.png";
    public static final String TTFT = "ttft_vs_prompt.png";
    public static final String STEP_TPS = "step_tps.png";
    public static final String THROUGHPUT = "throughput.png";
    public static final String CONCURRENCY = "concurrency.png";
    public static final String CONTEXT_SCALING = "context_scaling.png";
    public static final String CONTEXT_COMPARISON = "context_comparison.png";
    public static final String TREND_TTFT = "trend_ttft.png";
    public static final String TREND_DECODE_TPS = "trend_decode_tps.png";

    /** one panel in the combined image, logical units: 3000 x 750 pixels for three at scale 2 */
    static final int COMBINED_PANEL_WIDTH = 500;
    static final int COMBINED_PANEL_HEIGHT = 375;
    /** a panel alone: 1000 x 700 pixels */
    static final int PANEL_WIDTH = 500;
    static final int PANEL_HEIGHT = 350;
    /** a trend chart, legend on the right: 1400 x 760 pixels */
    static final int TREND_WIDTH = 700;
    static final int TREND_HEIGHT = 380;

    static {
        // chart drawing needs no display; without this a desktop JVM may open a window-system connection
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private Charts() {
    }

    /**
     * Writes {@value #COMBINED}, {@value #TTFT}, {@value #STEP_TPS} and {@value #THROUGHPUT} into {@code assetsDir}.
     *
     * @param lang {@code ko} or {@code en}
     * @return the written files, in that order
     */
    public static List<Path> writeRelease(ReleaseReport report, String lang, Path assetsDir) {
        Objects.requireNonNull(report, "report");
        ChartText text = ChartText.of(lang);
        List<Chart<?, ?>> panels = ReleasePanels.all(report, text, COMBINED_PANEL_WIDTH, COMBINED_PANEL_HEIGHT);
        Path combined = ChartImages.writePng(
                ChartImages.render(panels, COMBINED_PANEL_WIDTH, COMBINED_PANEL_HEIGHT), assetsDir.resolve(COMBINED));
        // the same chart objects, painted again at the single-panel size
        Path ttft = writeAlone(panels.get(0), assetsDir.resolve(TTFT));
        Path steps = writeAlone(panels.get(1), assetsDir.resolve(STEP_TPS));
        Path throughput = writeAlone(panels.get(2), assetsDir.resolve(THROUGHPUT));
        return List.of(combined, ttft, steps, throughput);
    }

    /**
     * Writes {@value #CONCURRENCY}, throughput against latency by concurrency level, when some file of the release ran
     * more than one level.
     *
     * @return the written file, or nothing
     */
    public static List<Path> writeConcurrency(ReleaseReport report, String lang, Path assetsDir) {
        Objects.requireNonNull(report, "report");
        if (!ConcurrencyPanel.hasLevels(report)) {
            return List.of();
        }
        return List.of(ChartImages.writePng(ChartImages.render(
                List.of(ConcurrencyPanel.chart(report, ConcurrencyPanel.Text.of(lang), TREND_WIDTH, TREND_HEIGHT)),
                TREND_WIDTH, TREND_HEIGHT), assetsDir.resolve(CONCURRENCY)));
    }

    /**
     * Writes {@value #CONTEXT_SCALING} (decode TPS and step time over the KV cache position) when some file of the
     * release ran the context suite, and {@value #CONTEXT_COMPARISON} (the same with the TPS ratio to the reference
     * engine) when two or more did.
     *
     * @return the written files, or nothing
     */
    public static List<Path> writeContext(ReleaseReport report, String lang, Path assetsDir) {
        Objects.requireNonNull(report, "report");
        if (!ContextPanels.hasContext(report)) {
            return List.of();
        }
        ContextPanels.Text text = ContextPanels.Text.of(lang);
        List<Path> written = new java.util.ArrayList<>();
        written.add(ChartImages.writePng(ChartImages.render(List.copyOf(
                ContextPanels.scaling(report, text, COMBINED_PANEL_WIDTH, COMBINED_PANEL_HEIGHT)),
                COMBINED_PANEL_WIDTH, COMBINED_PANEL_HEIGHT), assetsDir.resolve(CONTEXT_SCALING)));
        List<Chart<?, ?>> comparison = List.copyOf(
                ContextPanels.comparison(report, text, COMBINED_PANEL_WIDTH, COMBINED_PANEL_HEIGHT));
        if (!comparison.isEmpty()) {
            written.add(ChartImages.writePng(ChartImages.render(comparison, COMBINED_PANEL_WIDTH, COMBINED_PANEL_HEIGHT),
                    assetsDir.resolve(CONTEXT_COMPARISON)));
        }
        return written;
    }

    /**
     * Writes {@value #TREND_TTFT} and {@value #TREND_DECODE_TPS}: scenario medians across releases, one line per
     * scenario and engine. Writes nothing when there are fewer than two releases.
     *
     * @return the written files, empty for fewer than two releases
     */
    public static List<Path> writeTrends(List<ReleaseReport> releasesOldestFirst, String lang, Path assetsDir) {
        ChartText text = ChartText.of(lang);
        if (releasesOldestFirst.size() < 2) {
            return List.of();
        }
        Path ttft = ChartImages.writePng(ChartImages.render(
                List.of(TrendPanels.ttft(releasesOldestFirst, text, TREND_WIDTH, TREND_HEIGHT)),
                TREND_WIDTH, TREND_HEIGHT), assetsDir.resolve(TREND_TTFT));
        Path decode = ChartImages.writePng(ChartImages.render(
                List.of(TrendPanels.decodeTps(releasesOldestFirst, text, TREND_WIDTH, TREND_HEIGHT)),
                TREND_WIDTH, TREND_HEIGHT), assetsDir.resolve(TREND_DECODE_TPS));
        return List.of(ttft, decode);
    }

    /** Writes only the combined three-panel image to {@code file} (the site command's {@code --chart FILE}). */
    public static void writeCombined(ReleaseReport report, String lang, Path file) {
        Objects.requireNonNull(report, "report");
        ChartText text = ChartText.of(lang);
        List<Chart<?, ?>> panels = ReleasePanels.all(report, text, COMBINED_PANEL_WIDTH, COMBINED_PANEL_HEIGHT);
        ChartImages.writePng(ChartImages.render(panels, COMBINED_PANEL_WIDTH, COMBINED_PANEL_HEIGHT), file);
    }

    private static Path writeAlone(Chart<?, ?> panel, Path file) {
        return ChartImages.writePng(ChartImages.render(List.of(panel), PANEL_WIDTH, PANEL_HEIGHT), file);
    }
}
